/*
 * Benchmark: message throughput over PREFIX on IPC (unix sockets): one
 * sender msend()s COUNT messages of SIZE bytes, one receiver mrecv()s them.
 *   prefix inproc DIR        both ends in this program (ipc_listen/connect):
 *                            64 B with 4- and 8-byte headers, 64 KiB
 *   prefix serve PATH SIZE   the receiving end for `client`; prints "ready"
 *   prefix client PATH SIZE  the sending end, in another process; the
 *                            receiver answers after the last message, so
 *                            the time covers every message delivered
 *   prefix raw PATH SIZE     the same messages framed by hand, one bsend
 *                            each on the bare IPC socket: what the
 *                            bytestream alone costs
 * Over TCP on 127.0.0.1 instead: `serve tcp SIZE` listens on a port of its
 * own and prints "ready PORT"; `client PORT SIZE` and `raw PORT SIZE`.
 * Prints JSON lines: {"name":..., "size":..., "msgs":... (per second),
 * "mbps":... (payload MiB/s)}.  BENCH_N: number of 64-byte messages
 * (200000); 64 KiB messages: 256 MiB worth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "clock.h"
#include "libdill.h"

#define BIG 65536
#define BIG_COUNT 4096

static long count_for(size_t size) {
    const char *n = getenv("BENCH_N");
    return size == BIG ? BIG_COUNT : (n ? atol(n) : 200000);
}

static void fail(const char *what) {
    perror(what);
    exit(1);
}

coroutine static void receiver(int s, size_t size, long count) {
    char *b = malloc(size);
    for(long i = 0; i < count; i++)
        if(mrecv(s, b, size, -1) != (ssize_t)size) fail("mrecv");
    free(b);
}

static void sender(int s, size_t size, long count) {
    char *b = calloc(1, size);
    for(long i = 0; i < count; i++)
        if(msend(s, b, size, -1) != 0) fail("msend");
    free(b);
}

static void report(const char *name, size_t size, long count, double ms) {
    printf("{\"name\":\"%s\",\"size\":%zu,\"msgs\":%.0f,\"mbps\":%.1f}\n", name, size,
        count / (ms / 1000), count * (double)size / 1048576.0 / (ms / 1000));
    fflush(stdout);
}

static void inproc(const char *dir, size_t hdrlen, size_t size, long count,
      const char *name) {
    char path[256];
    snprintf(path, sizeof(path), "%s/prefix-inproc.sock", dir);
    unlink(path);
    int ls = ipc_listen(path, 10);
    int c = ls < 0 ? -1 : ipc_connect(path, -1);
    int s = c < 0 ? -1 : ipc_accept(ls, -1);
    if(ls < 0 || c < 0 || s < 0) fail("setup");
    c = prefix_attach(c, hdrlen, PREFIX_BIG_ENDIAN);
    s = prefix_attach(s, hdrlen, PREFIX_BIG_ENDIAN);
    if(c < 0 || s < 0) fail("prefix_attach");
    double t0 = clock_ms();
    int h = go(receiver(s, size, count));
    sender(c, size, count);
    bundle_wait(h, -1);
    double t1 = clock_ms();
    hclose(h);
    if(name) report(name, size, count, t1 - t0);
    hclose(c);
    hclose(s);
    hclose(ls);
    unlink(path);
}

/* ARG "tcp": a TCP listener on 127.0.0.1 (its port in *port), else an IPC
   listener on path ARG. */
static int listen_on(const char *arg, int *port) {
    *port = 0;
    if(strcmp(arg, "tcp") != 0) return ipc_listen(arg, 10);
    struct ipaddr a;
    if(ipaddr_local(&a, "127.0.0.1", 0, 0) != 0) fail("ipaddr_local");
    int ls = tcp_listen(&a, 10);
    if(ls >= 0) *port = ipaddr_port(&a);
    return ls;
}

/* ARG a port number: TCP to 127.0.0.1, else IPC to path ARG. */
static int connect_to(const char *arg, const char **kind) {
    char *end;
    long port = strtol(arg, &end, 10);
    *kind = "IPC";
    if(*arg == 0 || *end != 0) return ipc_connect(arg, -1);
    *kind = "TCP";
    struct ipaddr a;
    if(ipaddr_remote(&a, "127.0.0.1", (int)port, 0, -1) != 0) fail("ipaddr_remote");
    return tcp_connect(&a, -1);
}

int main(int argc, char **argv) {
    if(argc < 3) {fprintf(stderr, "usage: prefix inproc DIR | serve PATH SIZE | client PATH SIZE\n"); return 2;}
    const char *mode = argv[1], *arg = argv[2];
    if(strcmp(mode, "inproc") == 0) {
        /* A first round, not shown: the engine's optimizing tiers kick in. */
        inproc(arg, 4, 64, 50000, NULL);
        inproc(arg, 4, 64, count_for(64), "64 B messages, 4-byte header, one program");
        inproc(arg, 8, 64, count_for(64), "64 B messages, 8-byte header, one program");
        inproc(arg, 4, BIG, count_for(BIG), "64 KiB messages, 4-byte header, one program");
        return 0;
    }
    size_t size = argc > 3 ? (size_t)atol(argv[3]) : 64;
    long count = count_for(size);
    if(strcmp(mode, "serve") == 0) {
        int port;
        int ls = listen_on(arg, &port);
        if(ls < 0) fail("listen");
        if(port) printf("ready %d\n", port);
        else printf("ready\n");
        fflush(stdout);
        int s = port ? tcp_accept(ls, NULL, -1) : ipc_accept(ls, -1);
        if(s < 0) fail("accept");
        s = prefix_attach(s, 4, PREFIX_BIG_ENDIAN);
        if(s < 0) fail("prefix_attach");
        receiver(s, size, count);
        if(msend(s, "", 0, -1) != 0) fail("msend");
        /* The client closes first: a TCP hclose resets the connection,
           which could overtake the answer. */
        char b;
        mrecv(s, &b, 1, -1);
        hclose(s);
        hclose(ls);
        return 0;
    }
    int raw = strcmp(mode, "raw") == 0;
    const char *kind;
    int c = connect_to(arg, &kind);
    if(c < 0) fail("connect");
    int p = raw ? c : prefix_attach(c, 4, PREFIX_BIG_ENDIAN);
    if(p < 0) fail("prefix_attach");
    double t0 = clock_ms();
    if(raw) {
        unsigned char *frame = calloc(1, 4 + size);
        frame[0] = size >> 24; frame[1] = size >> 16; frame[2] = size >> 8; frame[3] = size;
        for(long i = 0; i < count; i++)
            if(bsend(p, frame, 4 + size, -1) != 0) fail("bsend");
        unsigned char ack[4];
        if(brecv(p, ack, 4, -1) != 0) fail("brecv");
        free(frame);
    } else {
        sender(p, size, count);
        if(mrecv(p, NULL, 0, -1) != 0) fail("mrecv");
    }
    double t1 = clock_ms();
    char name[128];
    snprintf(name, sizeof(name), raw ? "%s, framed by hand, bsend, two processes, %s" :
        "%s messages, 4-byte header, two processes, %s", size == BIG ? "64 KiB" : "64 B", kind);
    report(name, size, count, t1 - t0);
    hclose(p);
    return 0;
}
