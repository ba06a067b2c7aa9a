/*
 * Benchmark: TLS over TCP on 127.0.0.1 (tls_attach_client/server on
 * tcp_connect/tcp_accept sockets).
 *   tls inproc CERT KEY       client and server in this program
 *   tls serve CERT KEY        the server, on an ephemeral port; prints "ready PORT"
 *   tls client PORT NAME      the client, in another process (against
 *                             `tls serve` or bench/tls-node.js's server)
 * The exchange: BULK writes of 64 KiB client -> server, the server answers
 * one byte after the last; PINGS round trips of 16 bytes echoed; the client
 * detaches (tls_detach both sides, close_notify both ways); then HANDSHAKES
 * fresh connections, each a TCP connect, a TLS handshake and one byte from
 * the server.
 * Prints JSON lines: {"name":..., "mbps"|"us"|"ms":...}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "libdill.h"
#include "bench-tcp.h"

#define CHUNK 65536
#define BULK 2048            /* 128 MiB */
#define PINGS 10000
#define HANDSHAKES 200

static char *buf;
static const char *cert, *key;

/* The server: the exchange on the first connection, then HANDSHAKES more. */
static void serve(int ls) {
    int t = tcp_accept(ls, NULL, -1);
    if(t < 0) die("tcp_accept");
    int s = tls_attach_server(t, cert, key, -1);
    if(s < 0) die("tls_attach_server");
    for(int i = 0; i < BULK; i++)
        if(brecv(s, buf, CHUNK, -1) != 0) die("bulk brecv");
    if(bsend(s, "k", 1, -1) != 0) die("ack");
    for(;;) {
        if(brecv(s, buf, 16, -1) != 0) break;
        if(bsend(s, buf, 16, -1) != 0) die("echo");
    }
    t = tls_detach(s, -1);
    if(t < 0) die("server tls_detach");
    hclose(t);
    for(int i = 0; i < HANDSHAKES; i++) {
        t = tcp_accept(ls, NULL, -1);
        if(t < 0) die("tcp_accept");
        s = tls_attach_server(t, cert, key, -1);
        if(s < 0) die("tls_attach_server");
        if(bsend(s, "h", 1, -1) != 0) die("hello");
        hclose(s);
    }
}

coroutine static void server_cr(int ls) {
    serve(ls);
}

/* The client; prints the figures with `where` in their names. */
static void client(int port, const char *where) {
    int s = tls_attach_client(connect_to(port), -1);
    if(s < 0) die("tls_attach_client");
    double t0 = clock_ms();
    for(int i = 0; i < BULK; i++)
        if(bsend(s, buf, CHUNK, -1) != 0) die("bulk bsend");
    char c;
    if(brecv(s, &c, 1, -1) != 0) die("ack");
    double t1 = clock_ms();
    printf("{\"name\":\"tls 64 KiB writes, %s\",\"mbps\":%.1f}\n", where,
        (double)BULK * CHUNK / 1048576.0 / ((t1 - t0) / 1000));
    fflush(stdout);
    char msg[16] = "0123456789abcdef", r[16];
    t0 = clock_ms();
    for(int i = 0; i < PINGS; i++) {
        if(bsend(s, msg, 16, -1) != 0) die("ping");
        if(brecv(s, r, 16, -1) != 0) die("pong");
    }
    t1 = clock_ms();
    printf("{\"name\":\"tls 16-byte echo round trip, %s\",\"us\":%.2f}\n", where,
        (t1 - t0) * 1000 / PINGS);
    fflush(stdout);
    int t = tls_detach(s, -1);
    if(t < 0) die("client tls_detach");
    hclose(t);
    t0 = clock_ms();
    for(int i = 0; i < HANDSHAKES; i++) {
        s = tls_attach_client(connect_to(port), -1);
        if(s < 0) die("tls_attach_client");
        if(brecv(s, &c, 1, -1) != 0) die("hello");
        hclose(s);
    }
    t1 = clock_ms();
    printf("{\"name\":\"tls connect + handshake, %s\",\"ms\":%.3f}\n", where,
        (t1 - t0) / HANDSHAKES);
    fflush(stdout);
}

int main(int argc, char **argv) {
    buf = calloc(1, CHUNK);
    int port;
    if(argc == 4 && strcmp(argv[1], "inproc") == 0) {
        cert = argv[2];
        key = argv[3];
        int ls = listener(&port, 64);
        int h = go(server_cr(ls));
        client(port, "one program");
        bundle_wait(h, -1);
        hclose(h);
        hclose(ls);
    } else if(argc == 4 && strcmp(argv[1], "serve") == 0) {
        cert = argv[2];
        key = argv[3];
        int ls = listener(&port, 64);
        printf("ready %d\n", port);
        fflush(stdout);
        serve(ls);
        hclose(ls);
    } else if(argc == 4 && strcmp(argv[1], "client") == 0) {
        client(atoi(argv[2]), argv[3]);
    } else {
        fprintf(stderr, "usage: tls inproc|serve CERT KEY | tls client PORT NAME\n");
        return 2;
    }
    return 0;
}
