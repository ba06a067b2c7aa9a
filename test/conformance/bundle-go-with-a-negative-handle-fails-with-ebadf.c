/* bundle_go() and bundle_go_mem() with a negative bundle handle fail with
   EBADF and run nothing, as for any handle that does not exist.

   Upstream libdill differs here, and we keep the documented behaviour:
   its go() is bundle_go() with handle -1 meaning "make a new bundle", so
   bundle_go(-1, f()) (or any negative handle) runs f in a fresh bundle and
   returns that bundle's handle (0, 1, ...) instead of failing.  The caller,
   told 0 or a positive number, cannot tell it from success and leaks the
   bundle.  This program fails natively for that reason. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int ran;
static char stack[32768];

coroutine static void work(void) { ran++; }

int main(void) {
    int bad[] = {-1, -2, -12345};
    for(int i = 0; i < 3; i++) {
        errno = 0;
        assert(bundle_go(bad[i], work()) == -1 && errno == EBADF);
        errno = 0;
        assert(bundle_go_mem(bad[i], work(), stack, sizeof(stack)) == -1 &&
            errno == EBADF);
    }
    assert(ran == 0);
    return 0;
}
