/* After chdone(ch[0]), chsend on ch[0] fails with EPIPE at once, even with
   deadline -1 and even when a receiver is waiting on ch[1] (that receiver
   itself gets EPIPE). */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int r_rc = 99, r_err;

coroutine static void receiver(int ch) {
    int v;
    r_rc = chrecv(ch, &v, sizeof(v), -1);
    r_err = errno;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int h = go(receiver(ch[1]));
    assert(h >= 0);
    assert(chdone(ch[0]) == 0);
    int v = 9;
    errno = 0;
    assert(chsend(ch[0], &v, sizeof(v), -1) == -1 && errno == EPIPE);
    errno = 0;
    assert(chsend(ch[0], &v, sizeof(v), 0) == -1 && errno == EPIPE);
    errno = 0;
    assert(chsend(ch[0], NULL, 0, now() + 1000) == -1 && errno == EPIPE);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(r_rc == -1 && r_err == EPIPE);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
