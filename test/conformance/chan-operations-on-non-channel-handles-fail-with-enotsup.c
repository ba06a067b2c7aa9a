/* chsend, chrecv and chdone on a handle that is not a channel (a bundle,
   a coroutine handle from go()) fail with ENOTSUP and leave it intact. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

coroutine static void idle(void) { msleep(-1); }

int main(void) {
    int v = 5;
    int b = bundle();
    assert(b >= 0);
    errno = 0;
    assert(chsend(b, &v, sizeof(v), -1) == -1 && errno == ENOTSUP);
    errno = 0;
    assert(chrecv(b, &v, sizeof(v), -1) == -1 && errno == ENOTSUP);
    errno = 0;
    assert(chdone(b) == -1 && errno == ENOTSUP);
    assert(bundle_wait(b, 0) == 0);   /* still a working bundle */
    assert(hclose(b) == 0);

    int h = go(idle());
    assert(h >= 0);
    assert(chsend(h, &v, sizeof(v), 0) == -1 && errno == ENOTSUP);
    assert(chrecv(h, &v, sizeof(v), 0) == -1 && errno == ENOTSUP);
    assert(chdone(h) == -1 && errno == ENOTSUP);
    assert(hclose(h) == 0);
    return 0;
}
