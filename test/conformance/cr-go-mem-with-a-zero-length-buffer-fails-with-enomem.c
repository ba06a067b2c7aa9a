/* go_mem() and bundle_go_mem() with a buffer of 0 bytes (or any size
   below 64) fail with ENOMEM and run nothing, like any buffer too small for
   a coroutine.

   Upstream libdill differs, and we keep ENOMEM: below 64 bytes its size
   check wraps around, so it lays the coroutine out below the start of the
   buffer, writing over whatever memory precedes it; with a static buffer it
   crashes with SIGSEGV.  This program fails natively for that reason. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int ran;

coroutine static void work(int x) { ran += x; }

static char buf[64];

int main(void) {
    int b = bundle();
    assert(b >= 0);
    for(size_t len = 0; len < 64; len += 8) {
        errno = 0;
        assert(go_mem(work(1), buf, len) == -1 && errno == ENOMEM);
        errno = 0;
        assert(bundle_go_mem(b, work(1), buf, len) == -1 && errno == ENOMEM);
    }
    assert(ran == 0);
    assert(hclose(b) == 0);
    return 0;
}
