/* chsend(ch, NULL, len > 0, ...) and chrecv(ch, NULL, len > 0, ...) fail
   with EINVAL at once, even with deadline -1 and even when a peer is
   waiting; the waiting peer is not disturbed.

   Upstream libdill does not check the buffer: without a peer the call
   waits like any other (ETIMEDOUT at the deadline, forever with -1), and
   with a peer waiting it copies from NULL and crashes with SIGSEGV.  The
   manual documents EINVAL for an invalid argument, and bad input gets an
   error here, never a crash or a hang; this program fails natively for
   that reason. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int got = -1;

coroutine static void receiver(int ch) {
    int v;
    assert(chrecv(ch, &v, sizeof(v), -1) == 0);
    got = v;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    assert(chsend(ch[0], NULL, 4, -1) == -1 && errno == EINVAL);
    assert(chrecv(ch[0], NULL, 4, -1) == -1 && errno == EINVAL);
    assert(chsend(ch[1], NULL, 1, 0) == -1 && errno == EINVAL);
    assert(chrecv(ch[1], NULL, 1, now() + 1000) == -1 && errno == EINVAL);

    int h = go(receiver(ch[1]));
    assert(h >= 0);
    assert(chsend(ch[0], NULL, sizeof(int), -1) == -1 && errno == EINVAL);
    assert(got == -1);
    int v = 77;
    assert(chsend(ch[0], &v, sizeof(v), -1) == 0);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(got == 77);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
