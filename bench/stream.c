/*
 * Benchmark: bytestream throughput and latency over IPC (unix sockets) or
 * TCP (127.0.0.1), the same code for both.
 *   stream ipc inproc DIR   both ends in this program (listen/connect)
 *   stream ipc pair         ipc_pair
 *   stream ipc serve PATH   the receiving/echoing end for `client`
 *   stream ipc client PATH  the sending end, in another process
 *   stream tcp inproc       both ends in this program, 127.0.0.1
 *   stream tcp serve        listens on 127.0.0.1, an ephemeral port;
 *                           prints "ready PORT"
 *   stream tcp client PORT  the sending end, in another process
 * Prints JSON lines: {"name":..., "mbps":...} or {"name":..., "us":...}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "clock.h"
#include "libdill.h"

#define CHUNK 65536
#define TOTAL (256L * 1024 * 1024)
#ifndef PINGS
#define PINGS 20000
#endif
/* Untimed round trips before each timed ping-pong (bench/stream-node.js
   does the same): the JIT has compiled the paths by then. */
#define WARM (PINGS / 10)

static char *buf;

/* ---- the transport: "ipc" or "tcp" ------------------------------------ */

static int tcp;            /* 0: IPC, 1: TCP */
static const char *proto;  /* "ipc" or "tcp", for the figures' names */

/* Listens on PATH (IPC) or on 127.0.0.1 and an ephemeral port (TCP, the
   port chosen in *port). */
static int xlisten(const char *path, int *port) {
    if(!tcp) return ipc_listen(path, 10);
    struct ipaddr a;
    if(ipaddr_local(&a, "127.0.0.1", 0, 0) != 0) return -1;
    int ls = tcp_listen(&a, 10);
    if(ls >= 0) *port = ipaddr_port(&a);
    return ls;
}

static int xconnect(const char *path, int port) {
    if(!tcp) return ipc_connect(path, -1);
    struct ipaddr a;
    if(ipaddr_remote(&a, "127.0.0.1", port, 0, -1) != 0) return -1;
    return tcp_connect(&a, -1);
}

static int xaccept(int ls) {
    return tcp ? tcp_accept(ls, NULL, -1) : ipc_accept(ls, -1);
}

static int xclose(int s) {
    return tcp ? tcp_close(s, -1) : ipc_close(s, -1);
}

/* ---- the figures ------------------------------------------------------- */

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
    double t0 = clock_ms();
    for(long sent = 0; sent < TOTAL; sent += CHUNK)
        if(bsend(tx, buf, CHUNK, -1) != 0) {perror("bsend"); exit(1);}
    bundle_wait(h, -1);
    double t1 = clock_ms();
    hclose(h);
    printf("{\"name\":\"%s\",\"mbps\":%.1f}\n", name, TOTAL / 1048576.0 / ((t1 - t0) / 1000));
    fflush(stdout);
}

static void pingpong(const char *name, int a, int b) {
    int h = go(echo(b, WARM + PINGS));
    char c = 'x';
    for(int i = 0; i < WARM; i++) {
        if(bsend(a, &c, 1, -1) != 0 || brecv(a, &c, 1, -1) != 0) {perror("warm"); exit(1);}
    }
    double t0 = clock_ms();
    for(int i = 0; i < PINGS; i++) {
        if(bsend(a, &c, 1, -1) != 0 || brecv(a, &c, 1, -1) != 0) {perror("ping"); exit(1);}
    }
    double t1 = clock_ms();
    bundle_wait(h, -1);
    hclose(h);
    printf("{\"name\":\"%s\",\"us\":%.2f}\n", name, (t1 - t0) * 1000 / PINGS);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if(argc < 3) {fprintf(stderr, "usage: stream ipc|tcp MODE [ARG]\n"); return 2;}
    buf = calloc(1, CHUNK);
    tcp = strcmp(argv[1], "tcp") == 0;
    proto = tcp ? "tcp" : "ipc";
    const char *mode = argv[2];
    const char *arg = argc > 3 ? argv[3] : "";
    char name[128];
    if(strcmp(mode, "inproc") == 0) {
        char path[256];
        snprintf(path, sizeof(path), "%s/inproc.sock", arg);
        int port = 0;
        int ls = xlisten(path, &port);
        int c = ls < 0 ? -1 : xconnect(path, port);
        int s = c < 0 ? -1 : xaccept(ls);
        if(ls < 0 || c < 0 || s < 0) {perror("setup"); return 1;}
        snprintf(name, sizeof(name), "%s bulk, one program", proto);
        bulk(name, c, s);
        snprintf(name, sizeof(name), "%s 1-byte ping-pong, one program", proto);
        pingpong(name, c, s);
        hclose(c); hclose(s); hclose(ls);
        if(!tcp) unlink(path);
    } else if(strcmp(mode, "pair") == 0) {
        int p[2];
        if(ipc_pair(p) != 0) {perror("ipc_pair"); return 1;}
        bulk("ipc_pair bulk", p[0], p[1]);
        hclose(p[0]); hclose(p[1]);
    } else if(strcmp(mode, "serve") == 0) {
        int port = 0;
        int ls = xlisten(arg, &port);
        if(ls < 0) {perror("listen"); return 1;}
        if(tcp) printf("ready %d\n", port);
        else printf("ready\n");
        fflush(stdout);
        int s = xaccept(ls);
        if(s < 0) {perror("accept"); return 1;}
        sink(s, TOTAL);
        echo(s, WARM + PINGS);
        xclose(s);
        hclose(ls);
    } else if(strcmp(mode, "client") == 0) {
        int c = xconnect(arg, atoi(arg));
        if(c < 0) {perror("connect"); return 1;}
        double t0 = clock_ms();
        for(long sent = 0; sent < TOTAL; sent += CHUNK)
            if(bsend(c, buf, CHUNK, -1) != 0) {perror("bsend"); return 1;}
        /* The server echoes only after it has read everything. */
        char ch = 'x';
        if(bsend(c, &ch, 1, -1) != 0 || brecv(c, &ch, 1, -1) != 0) {perror("sync"); return 1;}
        double t1 = clock_ms();
        printf("{\"name\":\"%s bulk, two processes\",\"mbps\":%.1f}\n", proto, TOTAL / 1048576.0 / ((t1 - t0) / 1000));
        for(int i = 0; i < WARM; i++)
            if(bsend(c, &ch, 1, -1) != 0 || brecv(c, &ch, 1, -1) != 0) {perror("warm"); return 1;}
        t0 = clock_ms();
        for(int i = 1; i < PINGS; i++)
            if(bsend(c, &ch, 1, -1) != 0 || brecv(c, &ch, 1, -1) != 0) {perror("ping"); return 1;}
        t1 = clock_ms();
        printf("{\"name\":\"%s 1-byte ping-pong, two processes\",\"us\":%.2f}\n", proto, (t1 - t0) * 1000 / (PINGS - 1));
        xclose(c);
    }
    return 0;
}
