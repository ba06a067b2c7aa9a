/* bundle_wait(), bundle_go(), bundle_go_mem() and hclose() fail with EBADF
   for handles that never existed (-1, a large number) and for a bundle
   handle that has been closed. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int ran;
static char stack[32768];

coroutine static void work(void) { ran++; }

int main(void) {
    int bad[] = {-1, -12345, 1000000};
    for(int i = 0; i < 3; i++) {
        errno = 0;
        assert(bundle_wait(bad[i], 0) == -1 && errno == EBADF);
        errno = 0;
        assert(bundle_wait(bad[i], -1) == -1 && errno == EBADF);
        /* Negative handles: see bundle-go-with-a-negative-handle-... */
        if(bad[i] >= 0) {
            errno = 0;
            assert(bundle_go(bad[i], work()) == -1 && errno == EBADF);
            errno = 0;
            assert(bundle_go_mem(bad[i], work(), stack, sizeof(stack)) == -1 &&
                errno == EBADF);
        }
        errno = 0;
        assert(hclose(bad[i]) == -1 && errno == EBADF);
    }
    int b = bundle();
    assert(b >= 0);
    assert(hclose(b) == 0);
    errno = 0;
    assert(bundle_wait(b, -1) == -1 && errno == EBADF);
    errno = 0;
    assert(bundle_go(b, work()) == -1 && errno == EBADF);
    errno = 0;
    assert(bundle_go_mem(b, work(), stack, sizeof(stack)) == -1 && errno == EBADF);
    errno = 0;
    assert(hclose(b) == -1 && errno == EBADF);
    assert(ran == 0);
    return 0;
}
