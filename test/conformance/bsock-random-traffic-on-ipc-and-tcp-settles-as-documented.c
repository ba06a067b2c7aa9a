/* Seeded random traffic on 8 ipc_pair and 8 TCP connections, one coroutine
   per end: bsend and brecv of small and large sizes with deadlines of 0,
   short and long, receives canceled by hclose of their coroutine, sockets
   closed under their peers.  Every call gives a result from the manual's
   list, every coroutine finishes, and the program exits.  (It hung on a
   receive after a send had met a reset, spinning.) */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libdill.h"

static unsigned seed = 1;
static double rnd(void) { seed = seed * 1103515245u + 12345u; return (seed >> 1 & 0x7fffffff) / 2147483648.0; }
static int counts[8][160];
static char big[40000];

coroutine static void inner_recv(int s, int *rc, int *err) {
    char b[8];
    *rc = brecv(s, b, 8, -1);
    *err = errno;
}

coroutine static void loop(int me, int *closed) {
    for(int i = 0; i < 60; i++) {
        double r = rnd();
        size_t n = 1 + (size_t)(rnd() * (rnd() < 0.85 ? 64 : 39999));
        if(r < 0.4) {
            int rc = bsend(me, big, n, now() + 20);
            int e = rc == 0 ? 0 : errno;
            assert(e == 0 || e == ECONNRESET || e == ETIMEDOUT);
            counts[0][e]++;
        } else if(r < 0.8) {
            int64_t dl = rnd() < 0.3 ? 0 : now() + (int64_t)(rnd() * 20);
            int rc = brecv(me, big, n, dl);
            int e = rc == 0 ? 0 : errno;
            if(!(e == 0 || e == ECONNRESET || e == EPIPE || e == ETIMEDOUT)) {fprintf(stderr, "brecv gave %d %s\n", e, strerror(e)); abort();}
            counts[1][e]++;
        } else if(r < 0.92) {
            int rc = 99, err = 0;
            int h = go(inner_recv(me, &rc, &err));
            assert(h >= 0);
            msleep(now() + (int64_t)(rnd() * 4));
            assert(hclose(h) == 0);
            assert(rc != 99);
            int e = rc == 0 ? 0 : err;
            if(!(e == 0 || e == ECONNRESET || e == EPIPE || e == ECANCELED)) {fprintf(stderr, "inner brecv gave %d %s\n", e, strerror(e)); abort();}
            counts[2][e]++;
        } else if(r < 0.95) {
            assert(hclose(me) == 0);
            *closed = 1;
            return;
        } else {
            msleep(now() + (int64_t)(rnd() * 3));
        }
    }
}

static void run(unsigned s) {
    seed = s;
    int h[32], closed[32] = {0};
    for(int i = 0; i < 8; i++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        h[2 * i] = p[0]; h[2 * i + 1] = p[1];
    }
    struct ipaddr a;
    assert(ipaddr_local(&a, "127.0.0.1", 0, 0) == 0);
    int ls = tcp_listen(&a, 64);
    assert(ls >= 0);
    for(int i = 8; i < 16; i++) {
        h[2 * i] = tcp_connect(&a, now() + 2000);
        assert(h[2 * i] >= 0);
        h[2 * i + 1] = tcp_accept(ls, NULL, now() + 2000);
        assert(h[2 * i + 1] >= 0);
    }
    assert(hclose(ls) == 0);
    int b = bundle();
    assert(b >= 0);
    for(int i = 0; i < 32; i++) assert(bundle_go(b, loop(h[i], &closed[i])) == 0);
    assert(bundle_wait(b, now() + 30000) == 0);
    assert(hclose(b) == 0);
    for(int i = 0; i < 32; i++) if(!closed[i]) assert(hclose(h[i]) == 0);
}

int main(void) {
    for(unsigned s = 1; s <= 8; s++) run(s);
    /* The runs did exercise the outcomes that matter. */
    assert(counts[0][0] > 0 && counts[0][ECONNRESET] > 0);
    assert(counts[1][0] > 0 && counts[1][ECONNRESET] > 0 && counts[1][EPIPE] > 0 &&
        counts[1][ETIMEDOUT] > 0);
    assert(counts[2][ECANCELED] > 0);
    return 0;
}
