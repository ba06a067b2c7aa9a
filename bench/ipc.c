/*
 * Benchmark: IPC throughput and latency.
 *   ipc inproc  TMPDIR   both ends in this program (listen/connect)
 *   ipc pair             ipc_pair
 *   ipc serve   PATH     the receiving/echoing end for `ipc client`
 *   ipc client  PATH     the sending end, in another process
 * Prints JSON lines: {"name":..., "mbps":...} or {"name":..., "us":...}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <emscripten.h>
#include "libdill.h"

#define CHUNK 65536
#define TOTAL (256L * 1024 * 1024)
#ifndef PINGS
#define PINGS 20000
#endif

static char *buf;

coroutine static void sink(int s, long total) {
    char *b = malloc(CHUNK);
    for(long got = 0; got < total; got += CHUNK)
        if(brecv(s, b, CHUNK, -1) != 0) {perror("sink brecv"); exit(1);}
    free(b);
}

coroutine static void echo(int s, int n) {
    char c;
    for(int i = 0; i < n; i++) {
        if(brecv(s, &c, 1, -1) != 0) {perror("echo brecv"); exit(1);}
        if(bsend(s, &c, 1, -1) != 0) {perror("echo bsend"); exit(1);}
    }
}

static void bulk(const char *name, int tx, int rx) {
    int h = go(sink(rx, TOTAL));
    double t0 = emscripten_get_now();
    for(long sent = 0; sent < TOTAL; sent += CHUNK)
        if(bsend(tx, buf, CHUNK, -1) != 0) {perror("bsend"); exit(1);}
    bundle_wait(h, -1);
    double t1 = emscripten_get_now();
    hclose(h);
    printf("{\"name\":\"%s\",\"mbps\":%.1f}\n", name, TOTAL / 1048576.0 / ((t1 - t0) / 1000));
    fflush(stdout);
}

static void pingpong(const char *name, int a, int b) {
    int h = go(echo(b, PINGS));
    char c = 'x';
    double t0 = emscripten_get_now();
    for(int i = 0; i < PINGS; i++) {
        if(bsend(a, &c, 1, -1) != 0 || brecv(a, &c, 1, -1) != 0) {perror("ping"); exit(1);}
    }
    double t1 = emscripten_get_now();
    bundle_wait(h, -1);
    hclose(h);
    printf("{\"name\":\"%s\",\"us\":%.2f}\n", name, (t1 - t0) * 1000 / PINGS);
    fflush(stdout);
}

int main(int argc, char **argv) {
    buf = calloc(1, CHUNK);
    const char *mode = argv[1];
    if(strcmp(mode, "inproc") == 0) {
        char path[256];
        snprintf(path, sizeof(path), "%s/inproc.sock", argv[2]);
        int ls = ipc_listen(path, 10);
        int c = ipc_connect(path, -1);
        int s = ipc_accept(ls, -1);
        if(ls < 0 || c < 0 || s < 0) {perror("setup"); return 1;}
        bulk("ipc bulk, one program", c, s);
        pingpong("ipc 1-byte ping-pong, one program", c, s);
        hclose(c); hclose(s); hclose(ls); unlink(path);
    } else if(strcmp(mode, "pair") == 0) {
        int p[2];
        if(ipc_pair(p) != 0) {perror("ipc_pair"); return 1;}
        bulk("ipc_pair bulk", p[0], p[1]);
        hclose(p[0]); hclose(p[1]);
    } else if(strcmp(mode, "serve") == 0) {
        int ls = ipc_listen(argv[2], 10);
        if(ls < 0) {perror("ipc_listen"); return 1;}
        printf("ready\n");
        fflush(stdout);
        int s = ipc_accept(ls, -1);
        sink(s, TOTAL);
        echo(s, PINGS);
        ipc_close(s, -1);
        hclose(ls);
    } else if(strcmp(mode, "client") == 0) {
        int c = ipc_connect(argv[2], -1);
        if(c < 0) {perror("ipc_connect"); return 1;}
        double t0 = emscripten_get_now();
        for(long sent = 0; sent < TOTAL; sent += CHUNK)
            if(bsend(c, buf, CHUNK, -1) != 0) {perror("bsend"); return 1;}
        /* The server echoes only after it has read everything. */
        char ch = 'x';
        if(bsend(c, &ch, 1, -1) != 0 || brecv(c, &ch, 1, -1) != 0) {perror("sync"); return 1;}
        double t1 = emscripten_get_now();
        printf("{\"name\":\"ipc bulk, two processes\",\"mbps\":%.1f}\n", TOTAL / 1048576.0 / ((t1 - t0) / 1000));
        t0 = emscripten_get_now();
        for(int i = 1; i < PINGS; i++)
            if(bsend(c, &ch, 1, -1) != 0 || brecv(c, &ch, 1, -1) != 0) {perror("ping"); return 1;}
        t1 = emscripten_get_now();
        printf("{\"name\":\"ipc 1-byte ping-pong, two processes\",\"us\":%.2f}\n", (t1 - t0) * 1000 / (PINGS - 1));
        ipc_close(c, -1);
    }
    return 0;
}
