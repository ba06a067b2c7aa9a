/* A channel handle is not a bundle: bundle_wait(), bundle_go() and
   bundle_go_mem() on it fail with ENOTSUP, do not start the coroutine, and
   leave the channel intact. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int ran;
static char stack[32768];

coroutine static void work(void) { ran++; }

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    errno = 0;
    assert(bundle_wait(ch[0], 0) == -1 && errno == ENOTSUP);
    errno = 0;
    assert(bundle_wait(ch[1], -1) == -1 && errno == ENOTSUP);
    errno = 0;
    assert(bundle_go(ch[0], work()) == -1 && errno == ENOTSUP);
    errno = 0;
    assert(bundle_go_mem(ch[1], work(), stack, sizeof(stack)) == -1 &&
        errno == ENOTSUP);
    assert(ran == 0);
    /* The channel still works: a non-blocking receive just times out. */
    int v;
    errno = 0;
    assert(chrecv(ch[0], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
