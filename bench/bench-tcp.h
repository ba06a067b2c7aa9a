/*
 * Shared by the TCP benchmark programs (bench/tls.c, bench/ws.c): exit on
 * a failed step, listen on 127.0.0.1 (an ephemeral port), connect to it.
 */
#ifndef BENCH_TCP_H
#define BENCH_TCP_H

#include <stdio.h>
#include <stdlib.h>
#include "libdill.h"

static void die(const char *what) {
    perror(what);
    exit(1);
}

/* A TCP listener on 127.0.0.1 with `backlog`; its port in *port. */
static int listener(int *port, int backlog) {
    struct ipaddr a;
    if(ipaddr_local(&a, "127.0.0.1", 0, 0) != 0) die("ipaddr_local");
    int ls = tcp_listen(&a, backlog);
    if(ls < 0) die("tcp_listen");
    *port = ipaddr_port(&a);
    return ls;
}

/* A TCP connection to 127.0.0.1:port. */
static int connect_to(int port) {
    struct ipaddr a;
    if(ipaddr_remote(&a, "127.0.0.1", port, 0, -1) != 0) die("ipaddr_remote");
    int t = tcp_connect(&a, -1);
    if(t < 0) die("tcp_connect");
    return t;
}

#endif
