/*
 * Benchmark: coroutine and channel primitives of libdill-wasm.
 * Prints one JSON line per figure: {"name":..., "ns": ns per operation}.
 * Portable libdill code: bench/run.js also builds it against native
 * libdill (../shared/oracle/dill-native cc), where that is present.
 */
#include <stdio.h>
#include <stdlib.h>
#include "libdill.h"

#include "clock.h"

static void report(const char *name, double ms, long ops) {
    printf("{\"name\":\"%s\",\"ns\":%.1f,\"ops\":%ld}\n", name, ms * 1e6 / ops, ops);
    fflush(stdout);
}

coroutine static void yielder(long n) {
    for(long i = 0; i < n; i++) yield();
}

coroutine static void empty(void) {}

coroutine static void blocked_recv(int ch) {
    int v;
    chrecv(ch, &v, sizeof(v), -1);
}

coroutine static void echo(int ch, long n) {
    int v;
    for(long i = 0; i < n; i++) {
        chrecv(ch, &v, sizeof(v), -1);
        chsend(ch, &v, sizeof(v), -1);
    }
}

coroutine static void choose_echo(int ch, long n) {
    int v;
    for(long i = 0; i < n; i++) {
        struct chclause in = {CHRECV, ch, &v, sizeof(v)};
        choose(&in, 1, -1);
        struct chclause out = {CHSEND, ch, &v, sizeof(v)};
        choose(&out, 1, -1);
    }
}

coroutine static void whisper(int left, int right) {
    int v;
    chrecv(right, &v, sizeof(v), -1);
    v++;
    chsend(left, &v, sizeof(v), -1);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 200000;

    /* Two coroutines yielding to each other: one switch per yield. */
    double t0 = clock_ms();
    int a = go(yielder(n));
    int b = go(yielder(n));
    bundle_wait(a, -1);
    bundle_wait(b, -1);
    double t1 = clock_ms();
    hclose(a);
    hclose(b);
    report("yield (context switch)", t1 - t0, 2 * n);

    /* The same between coroutines on 4 KiB go_mem() buffers, whose frames
       are saved through the scratch area (a copy out and in per switch). */
    static char stk[2][4096] __attribute__((aligned(16)));
    t0 = clock_ms();
    a = go_mem(yielder(n), stk[0], sizeof(stk[0]));
    b = go_mem(yielder(n), stk[1], sizeof(stk[1]));
    bundle_wait(a, -1);
    bundle_wait(b, -1);
    t1 = clock_ms();
    hclose(a);
    hclose(b);
    report("yield on 4 KiB go_mem stacks (context switch)", t1 - t0, 2 * n);

    /* go_mem() on a 4 KiB buffer + hclose() of a coroutine that finishes. */
    t0 = clock_ms();
    for(long i = 0; i < n; i++) hclose(go_mem(empty(), stk[0], sizeof(stk[0])));
    t1 = clock_ms();
    report("go_mem (4 KiB) + hclose", t1 - t0, n);

    /* go() + hclose() of a coroutine that finishes at once. */
    t0 = clock_ms();
    for(long i = 0; i < n; i++) hclose(go(empty()));
    t1 = clock_ms();
    report("go + hclose", t1 - t0, n);

    /* Channel ping-pong: one send and one receive each way per round. */
    int ch[2];
    chmake(ch);
    int e = go(echo(ch[1], n));
    t0 = clock_ms();
    for(long i = 0; i < n; i++) {
        int v = (int)i;
        chsend(ch[0], &v, sizeof(v), -1);
        chrecv(ch[0], &v, sizeof(v), -1);
    }
    t1 = clock_ms();
    hclose(e);
    report("channel ping-pong (per message)", t1 - t0, 2 * n);

    /* The same through choose(). */
    e = go(choose_echo(ch[1], n));
    t0 = clock_ms();
    for(long i = 0; i < n; i++) {
        int v = (int)i;
        struct chclause out = {CHSEND, ch[0], &v, sizeof(v)};
        choose(&out, 1, -1);
        struct chclause in = {CHRECV, ch[0], &v, sizeof(v)};
        choose(&in, 1, -1);
    }
    t1 = clock_ms();
    hclose(e);
    report("choose ping-pong (per message)", t1 - t0, 2 * n);

    /* Cancel a coroutine blocked in chrecv (go + block + hclose). */
    long m = n / 4;
    t0 = clock_ms();
    for(long i = 0; i < m; i++) hclose(go(blocked_recv(ch[1])));
    t1 = clock_ms();
    report("cancel coroutine blocked in chrecv", t1 - t0, m);
    hclose(ch[0]);
    hclose(ch[1]);

    /* Whisper: 10,000 coroutines pass a value along 10,000 channels. */
    int nw = 10000;
    int *hs = malloc(nw * sizeof(int));
    int first[2];
    chmake(first);
    int left = first[0];
    t0 = clock_ms();
    for(int i = 0; i < nw; i++) {
        int c[2];
        chmake(c);
        hs[i] = go(whisper(left, c[0]));
        left = c[1];
    }
    int v = 1;
    chsend(left, &v, sizeof(v), -1);
    chrecv(first[1], &v, sizeof(v), -1);
    t1 = clock_ms();
    if(v != nw + 1) {fprintf(stderr, "whisper: got %d\n", v); return 1;}
    report("whisper chain, 10000 coroutines (per coroutine)", t1 - t0, nw);
    for(int i = 0; i < nw; i++) hclose(hs[i]);
    free(hs);
    return 0;
}
