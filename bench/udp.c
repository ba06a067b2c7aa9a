/*
 * Benchmark: UDP datagram rate on 127.0.0.1.  The sender udp_sends N
 * 64-byte datagrams as fast as it can (yield() every BURST of them); the
 * receiver counts them with udp_recv until it has N or none came for IDLE ms.
 *   udp inproc N        both sockets in this program (receiver a coroutine)
 *   udp recv N          the receiver: prints "ready PORT", then its figures
 *   udp recvfrom N      the same, each udp_recv asking for the sender's
 *                       address (in libdill-wasm that takes Node's path:
 *                       only receives without one read a flood directly)
 *   udp send PORT N     the sender, in another process
 * Prints JSON lines: {"name":..., "sent":dgrams/s} from the sender and
 * {"name":..., "recvd":dgrams/s, "count":N} from the receiver ("inproc":
 * one line with both and the count).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "libdill.h"

#define SIZE 64
#define BURST 64
#define IDLE 500

struct tally {long count; double first, last;};

/* Receives until n datagrams or IDLE ms without one.  As bench/udp-node.js's
   receiver: one clock reading per datagram, and the idle deadline rearmed
   at most every 50 ms rather than per datagram. */
coroutine static void receiver(int s, long n, int named, struct tally *t) {
    char b[SIZE];
    struct ipaddr from;
    t->count = 0;
    int64_t deadline = -1;
    double armed = 0;
    while(t->count < n) {
        ssize_t sz = udp_recv(s, named ? &from : NULL, b, sizeof(b), deadline);
        if(sz < 0) {
            if(errno == ETIMEDOUT) break;
            perror("udp_recv"); exit(1);
        }
        if(sz != SIZE) {fprintf(stderr, "udp_recv: %d bytes\n", (int)sz); exit(1);}
        t->last = clock_ms();
        if(t->count++ == 0) t->first = t->last;
        if(deadline < 0 || t->last - armed > 50) {
            deadline = now() + IDLE;
            armed = t->last;
        }
    }
}

/* Sends n datagrams to addr; returns the time it took in ms. */
static double sender(int s, const struct ipaddr *addr, long n) {
    char b[SIZE];
    memset(b, 'u', sizeof(b));
    double t0 = clock_ms();
    for(long i = 0; i < n; i++) {
        memcpy(b, &i, sizeof(i));
        if(udp_send(s, addr, b, sizeof(b)) != 0) {perror("udp_send"); exit(1);}
        if(i % BURST == BURST - 1) yield();
    }
    return clock_ms() - t0;
}

static int openlocal(struct ipaddr *a) {
    if(ipaddr_local(a, "127.0.0.1", 0, IPADDR_IPV4) != 0) {perror("ipaddr_local"); exit(1);}
    int s = udp_open(a, NULL);
    if(s < 0) {perror("udp_open"); exit(1);}
    return s;
}

int main(int argc, char **argv) {
    if(argc < 3) {fprintf(stderr, "usage: udp inproc N | recv N | send PORT N\n"); return 2;}
    const char *mode = argv[1];
    if(strcmp(mode, "inproc") == 0) {
        long n = atol(argv[2]);
        struct ipaddr ra, sa;
        int r = openlocal(&ra);
        int s = openlocal(&sa);
        struct tally t;
        int h = go(receiver(r, n, 0, &t));
        double t0 = clock_ms();
        double ms = sender(s, &ra, n);
        bundle_wait(h, -1);
        hclose(h);
        printf("{\"name\":\"udp, one program\",\"sent\":%.0f,\"recvd\":%.0f,\"count\":%ld,\"n\":%ld}\n",
            n / (ms / 1000), t.count / ((t.last - t0) / 1000), t.count, n);
        hclose(s); hclose(r);
    } else if(strcmp(mode, "recv") == 0 || strcmp(mode, "recvfrom") == 0) {
        long n = atol(argv[2]);
        int named = strcmp(mode, "recvfrom") == 0;
        struct ipaddr ra;
        int r = openlocal(&ra);
        printf("ready %d\n", ipaddr_port(&ra));
        fflush(stdout);
        struct tally t;
        receiver(r, n, named, &t);
        /* From the first datagram to the last: the sender's start-up is not counted. */
        printf("{\"name\":\"udp, two processes%s\",\"recvd\":%.0f,\"count\":%ld,\"n\":%ld}\n",
            named ? ", with the sender" : "", t.count > 1 ? (t.count - 1) / ((t.last - t.first) / 1000) : 0.0, t.count, n);
        hclose(r);
    } else if(strcmp(mode, "send") == 0) {
        struct ipaddr sa, ra;
        int s = openlocal(&sa);
        if(ipaddr_remote(&ra, "127.0.0.1", atoi(argv[2]), IPADDR_IPV4, -1) != 0) {perror("ipaddr_remote"); return 1;}
        long n = atol(argv[3]);
        double ms = sender(s, &ra, n);
        printf("{\"name\":\"udp, two processes\",\"sent\":%.0f}\n", n / (ms / 1000));
        hclose(s);
    }
    return 0;
}
