/* A coroutine blocked in bundle_wait() on a bundle of its own is canceled
   when its own bundle is closed: bundle_wait returns -1/ECANCELED; the
   coroutine then closes the inner bundle, which cancels the inner
   coroutines in turn (structured cancellation down the tree). */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int inner_canceled, outer_done;

coroutine static void leaf(void) {
    assert(msleep(-1) == -1 && errno == ECANCELED);
    inner_canceled++;
}

coroutine static void supervisor(void) {
    int inner = bundle();
    assert(inner >= 0);
    assert(bundle_go(inner, leaf()) == 0);
    assert(bundle_go(inner, leaf()) == 0);
    errno = 0;
    assert(bundle_wait(inner, -1) == -1 && errno == ECANCELED);
    errno = 0;
    assert(bundle_wait(inner, 0) == -1 && errno == ECANCELED);
    assert(inner_canceled == 0);
    assert(hclose(inner) == 0);
    assert(inner_canceled == 2);
    outer_done = 1;
}

int main(void) {
    int outer = bundle();
    assert(outer >= 0);
    assert(bundle_go(outer, supervisor()) == 0);
    assert(msleep(now() + 10) == 0);
    assert(outer_done == 0 && inner_canceled == 0);
    assert(hclose(outer) == 0);
    assert(outer_done == 1 && inner_canceled == 2);
    return 0;
}
