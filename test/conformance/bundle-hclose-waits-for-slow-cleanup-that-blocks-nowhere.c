/* hclose(bundle) waits for a canceled coroutine whose cleanup takes a while
   (a CPU loop of ~30 ms that cannot block because every blocking call now
   fails): hclose returns after the cleanup, never before. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int phase;
static int64_t cleanup_end;

coroutine static void slowpoke(void) {
    phase = 1;
    assert(msleep(-1) == -1 && errno == ECANCELED);
    phase = 2;
    int64_t until = now() + 30;
    volatile unsigned long spin = 0;
    while(now() < until) spin++;
    cleanup_end = now();
    phase = 3;
}

int main(void) {
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, slowpoke()) == 0);
    assert(phase == 1);
    int64_t start = now();
    assert(hclose(b) == 0);
    int64_t end = now();
    assert(phase == 3);
    assert(cleanup_end <= end);
    assert(end - start >= 25 && end - start < 2000);
    return 0;
}
