/* bundle_wait() on a bundle whose coroutine is still running fails with
   ETIMEDOUT: at once for deadline 0, and after about 50 ms for now()+50.
   The coroutine is left running and a later wait still succeeds. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int finished;

coroutine static void slow(void) {
    assert(msleep(now() + 250) == 0);
    finished = 1;
}

int main(void) {
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, slow()) == 0);

    int64_t start = now();
    errno = 0;
    assert(bundle_wait(b, 0) == -1);
    assert(errno == ETIMEDOUT);
    assert(now() - start < 40);

    start = now();
    errno = 0;
    assert(bundle_wait(b, now() + 50) == -1);
    assert(errno == ETIMEDOUT);
    int64_t took = now() - start;
    assert(took >= 45 && took < 500);
    assert(finished == 0);

    assert(bundle_wait(b, now() + 5000) == 0);
    assert(finished == 1);
    assert(hclose(b) == 0);
    return 0;
}
