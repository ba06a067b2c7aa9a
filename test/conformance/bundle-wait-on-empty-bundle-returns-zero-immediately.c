/* bundle_wait() on a bundle with no coroutines succeeds at once, whatever
   the deadline (0, a future time, or -1 which would otherwise block
   forever). */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    int b = bundle();
    assert(b >= 0);
    int64_t start = now();
    assert(bundle_wait(b, 0) == 0);
    assert(bundle_wait(b, now() + 5000) == 0);
    assert(bundle_wait(b, -1) == 0);
    /* A deadline already in the past is fine too. */
    assert(bundle_wait(b, now() - 1000) == 0);
    assert(now() - start < 1000);
    assert(hclose(b) == 0);
    return 0;
}
