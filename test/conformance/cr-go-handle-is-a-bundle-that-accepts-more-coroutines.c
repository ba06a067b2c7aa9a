/* The handle go() returns is a bundle containing the new coroutine:
   bundle_go() can add further coroutines to it, bundle_wait waits for all
   of them, and hclose cancels all of them. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int done, canceled;

coroutine static void nap(int ms) {
    if(msleep(ms < 0 ? -1 : now() + ms) == 0) done++;
    else { assert(errno == ECANCELED); canceled++; }
}

int main(void) {
    int h = go(nap(10));
    assert(h >= 0);
    assert(bundle_go(h, nap(60)) == 0);
    int64_t start = now();
    assert(bundle_wait(h, -1) == 0);
    assert(now() - start >= 45);
    assert(done == 2);
    assert(bundle_go(h, nap(-1)) == 0);
    assert(bundle_go(h, nap(-1)) == 0);
    assert(bundle_wait(h, now() + 10) == -1 && errno == ETIMEDOUT);
    assert(hclose(h) == 0);
    assert(canceled == 2);
    return 0;
}
