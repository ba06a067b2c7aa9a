/* bundle_wait() with a distant deadline returns 0 as soon as the last
   coroutine finishes; it does not sit out the deadline. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

coroutine static void nap(int ms) { assert(msleep(now() + ms) == 0); }

int main(void) {
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, nap(30)) == 0);
    assert(bundle_go(b, nap(50)) == 0);
    int64_t start = now();
    assert(bundle_wait(b, now() + 3000) == 0);
    int64_t took = now() - start;
    assert(took >= 40 && took < 1500);
    assert(hclose(b) == 0);
    return 0;
}
