/* hclose() on the handle of a coroutine that already finished returns 0;
   using the handle afterwards (hclose, bundle_wait, bundle_go) fails with
   EBADF. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int done;

coroutine static void quick(void) { done = 1; }

int main(void) {
    int h = go(quick());
    assert(h >= 0);
    assert(done == 1);
    assert(msleep(now() + 5) == 0);
    assert(hclose(h) == 0);
    errno = 0;
    assert(hclose(h) == -1 && errno == EBADF);
    errno = 0;
    assert(bundle_wait(h, 0) == -1 && errno == EBADF);
    errno = 0;
    assert(bundle_go(h, quick()) == -1 && errno == EBADF);
    return 0;
}
