/* bundle_wait(b, -1) blocks until every coroutine in the bundle has
   finished (they end at different times) and then returns 0. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int finished;

coroutine static void nap(int ms) {
    assert(msleep(now() + ms) == 0);
    finished++;
}

int main(void) {
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, nap(10)) == 0);
    assert(bundle_go(b, nap(80)) == 0);
    assert(bundle_go(b, nap(40)) == 0);
    assert(finished == 0);
    int64_t start = now();
    assert(bundle_wait(b, -1) == 0);
    int64_t took = now() - start;
    assert(finished == 3);
    assert(took >= 70 && took < 2000);
    assert(hclose(b) == 0);
    return 0;
}
