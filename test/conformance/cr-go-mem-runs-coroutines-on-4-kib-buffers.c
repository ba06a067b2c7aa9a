/* Coroutines on 4 KiB go_mem()/bundle_go_mem() buffers run as on any
   stack: they block (channels, msleep, choose, bundle_wait) and resume with
   their frames intact through a chain of calls, start further coroutines
   on 4 KiB buffers of their own (nested three deep) and with go(), and
   their buffers can be used again once they have finished.  What our build
   needs to save a suspended coroutine's frames does not come out of the
   caller's buffer: 4 KiB holds the coroutine's C stack, as natively. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

#define STACK 4096
#define N 8

static char stacks[N][STACK] __attribute__((aligned(16)));
static char nested[3][STACK] __attribute__((aligned(16)));
static int ch[2];
static int sums[N];
static int nested_done;

/* A few frames with locals that must survive every switch below them. */
static int descend(int depth, int seed) {
    volatile int local[8];
    for(int i = 0; i < 8; i++) local[i] = seed * 8 + i;
    int r;
    if(depth == 0) {
        int v;
        assert(chrecv(ch[1], &v, sizeof(v), -1) == 0);
        assert(msleep(now() + 1) == 0);
        r = v;
    }
    else r = descend(depth - 1, seed + 1);
    for(int i = 0; i < 8; i++) r += local[i] - (seed * 8 + i);
    return r + 1;
}

coroutine static void worker(int i) {
    char buf[512];
    memset(buf, i, sizeof(buf));
    sums[i] = descend(6, i);
    for(size_t k = 0; k < sizeof(buf); k++) assert(buf[k] == (char)i);
}

coroutine static void leaf(void) {
    assert(yield() == 0);
    nested_done++;
}

/* Each level starts the next on its own 4 KiB buffer, and a go() child. */
coroutine static void level(int depth) {
    int h = go(leaf());
    assert(h >= 0);
    if(depth < 3) {
        int n = go_mem(level(depth + 1), nested[depth], STACK);
        assert(n >= 0);
        assert(bundle_wait(n, -1) == 0);
        assert(hclose(n) == 0);
    }
    int a[2];
    assert(chmake(a) == 0);
    int v;
    struct chclause cl[] = {{CHRECV, a[1], &v, sizeof(v)}};
    assert(choose(cl, 1, now() + 5) == -1 && errno == ETIMEDOUT);
    assert(hclose(a[0]) == 0 && hclose(a[1]) == 0);
    assert(bundle_wait(h, -1) == 0);
    assert(hclose(h) == 0);
    nested_done++;
}

int main(void) {
    assert(chmake(ch) == 0);
    for(int round = 0; round < 2; round++) {
        int b = bundle();
        assert(b >= 0);
        for(int i = 0; i < N; i++) {
            sums[i] = -1;
            assert(bundle_go_mem(b, worker(i), stacks[i], STACK) == 0);
        }
        for(int i = 0; i < N; i++) {
            int v = 100 * i;
            assert(chsend(ch[0], &v, sizeof(v), -1) == 0);
        }
        assert(bundle_wait(b, now() + 5000) == 0);
        assert(hclose(b) == 0);
        /* Each got some value 100*k through 7 frames (+1 each). */
        int seen = 0;
        for(int i = 0; i < N; i++) {
            assert(sums[i] >= 7 && (sums[i] - 7) % 100 == 0);
            seen |= 1 << ((sums[i] - 7) / 100);
        }
        assert(seen == (1 << N) - 1);
    }
    nested_done = 0;
    int h = go_mem(level(0), stacks[0], STACK);
    assert(h >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    assert(hclose(h) == 0);
    assert(nested_done == 8);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
