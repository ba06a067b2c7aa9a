/* A hundred coroutines each sleeping 100 ms sleep at the same time: they all
   finish after about 100 ms in total, not 100 x 100 ms, and main's own
   sleep runs alongside them. */
#include <assert.h>
#include <stdint.h>
#include "libdill.h"

#define N 100

static int done;

coroutine static void nap(int64_t deadline) {
    assert(msleep(deadline) == 0);
    done++;
}

int main(void) {
    int64_t start = now();
    int b = bundle();
    assert(b >= 0);
    for(int i = 0; i < N; i++) assert(bundle_go(b, nap(start + 100)) == 0);
    assert(done == 0);
    assert(msleep(start + 50) == 0);
    assert(done == 0);
    assert(bundle_wait(b, start + 2000) == 0);
    assert(done == N);
    int64_t took = now() - start;
    assert(took >= 100);
    assert(took < 600);
    assert(hclose(b) == 0);
    return 0;
}
