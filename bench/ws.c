/*
 * Benchmark: WebSocket over TCP on 127.0.0.1 (HTTP handshake included in
 * the set-up, not in the figures): round-trip latency of a 16-byte text
 * message echoed by the server, and the throughput of 64 KiB binary
 * messages client -> server.
 *   ws inproc       client and server in this program
 *   ws serve        the server, on an ephemeral port; prints "ready PORT"
 *   ws client PORT  the client, in another process (against `ws serve` or
 *                   bench/ws-node.js's server: the same exchange)
 * The exchange: BULK binary messages of 64 KiB client -> server, the server
 * answers "ack" after the last; then PINGS round trips of 16 bytes; then
 * the client closes (ws_detach both sides).
 * Prints JSON lines: {"name":..., "us":...} or {"name":..., "mbps":...}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "libdill.h"
#include "bench-tcp.h"

#define CHUNK 65536
/* bench/run.js builds native libdill's copy with a smaller BULK: upstream's
   client writes a masked payload one byte per syscall (128 MiB would take
   about ten minutes). */
#ifndef BULK
#define BULK 2048            /* 128 MiB */
#endif
#ifndef PINGS
#define PINGS 20000
#endif

static char *buf;

/* The server's side of the exchange on an accepted TCP connection. */
static void serve_one(int t) {
    char resource[256], host[256];
    int s = ws_attach_server(t, WS_BINARY, resource, sizeof(resource), host,
        sizeof(host), -1);
    if(s < 0) die("ws_attach_server");
    for(int i = 0; i < BULK; i++)
        if(mrecv(s, buf, CHUNK, -1) != CHUNK) die("bulk mrecv");
    if(ws_send(s, WS_TEXT, "ack", 3, -1) != 0) die("ack");
    for(;;) {
        int fl;
        ssize_t n = ws_recv(s, &fl, buf, CHUNK, -1);
        if(n < 0) break;
        if(ws_send(s, fl, buf, n, -1) != 0) die("echo");
    }
    t = ws_detach(s, 1000, NULL, 0, -1);
    if(t < 0) die("server ws_detach");
    hclose(t);
}

coroutine static void server_cr(int t) {
    serve_one(t);
}

/* The client's side; prints the figures with `where` in their names. */
static void client(int t, const char *where) {
    int s = ws_attach_client(t, WS_BINARY, "/bench", "127.0.0.1", -1);
    if(s < 0) die("ws_attach_client");
    double t0 = clock_ms();
    for(int i = 0; i < BULK; i++)
        if(msend(s, buf, CHUNK, -1) != 0) die("bulk msend");
    int fl;
    char ack[16];
    if(ws_recv(s, &fl, ack, sizeof(ack), -1) != 3) die("ack");
    double t1 = clock_ms();
    printf("{\"name\":\"ws 64 KiB messages, %s\",\"mbps\":%.1f}\n", where,
        (double)BULK * CHUNK / 1048576.0 / ((t1 - t0) / 1000));
    fflush(stdout);
    char msg[16] = "0123456789abcdef", r[16];
    t0 = clock_ms();
    for(int i = 0; i < PINGS; i++) {
        if(ws_send(s, WS_TEXT, msg, 16, -1) != 0) die("ping");
        if(ws_recv(s, &fl, r, sizeof(r), -1) != 16) die("pong");
    }
    t1 = clock_ms();
    printf("{\"name\":\"ws 16-byte echo round trip, %s\",\"us\":%.2f}\n", where,
        (t1 - t0) * 1000 / PINGS);
    fflush(stdout);
    t = ws_detach(s, 1000, NULL, 0, -1);
    if(t < 0) die("client ws_detach");
    hclose(t);
}

int main(int argc, char **argv) {
    if(argc < 2) {fprintf(stderr, "usage: ws inproc|serve|client PORT\n"); return 2;}
    buf = calloc(1, CHUNK);
    int port;
    if(strcmp(argv[1], "inproc") == 0) {
        int ls = listener(&port, 10);
        int c = connect_to(port);
        int t = tcp_accept(ls, NULL, -1);
        if(t < 0) die("tcp_accept");
        int h = go(server_cr(t));
        client(c, "one program");
        bundle_wait(h, -1);
        hclose(h);
        hclose(ls);
    } else if(strcmp(argv[1], "serve") == 0) {
        int ls = listener(&port, 10);
        printf("ready %d\n", port);
        fflush(stdout);
        int t = tcp_accept(ls, NULL, -1);
        if(t < 0) die("tcp_accept");
        serve_one(t);
        hclose(ls);
    } else if(strcmp(argv[1], "client") == 0 && argc > 3) {
        client(connect_to(atoi(argv[2])), argv[3]);
    } else {
        fprintf(stderr, "usage: ws inproc|serve|client PORT NAME\n");
        return 2;
    }
    return 0;
}
