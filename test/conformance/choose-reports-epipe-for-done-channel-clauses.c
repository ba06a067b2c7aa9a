/* A receive clause on a channel whose peer called chdone, or a send clause
   on an end that called chdone itself, completes at once: choose returns its
   index with errno EPIPE, ahead of later clauses that are ready. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

coroutine static void sender(int ch, int v) {
    assert(chsend(ch, &v, sizeof(v), -1) == 0);
}

int main(void) {
    int a[2], b[2], c[2];
    assert(chmake(a) == 0 && chmake(b) == 0 && chmake(c) == 0);
    int h = go(sender(c[0], 5));
    assert(h >= 0);
    assert(chdone(a[1]) == 0);   /* receiving on a[0] gives EPIPE */
    assert(chdone(b[0]) == 0);   /* sending on b[0] gives EPIPE */
    int v = 0, x = 1;

    struct chclause r[] = {{CHRECV, a[0], &v, sizeof(v)}, {CHRECV, c[1], &v, sizeof(v)}};
    errno = 0;
    assert(choose(r, 2, -1) == 0 && errno == EPIPE);

    struct chclause s[] = {{CHSEND, b[0], &x, sizeof(x)}, {CHRECV, c[1], &v, sizeof(v)}};
    errno = 0;
    assert(choose(s, 2, 0) == 0 && errno == EPIPE);

    /* the opposite directions of a and b still block */
    struct chclause o[] = {{CHSEND, a[0], &x, sizeof(x)}, {CHRECV, b[0], &v, sizeof(v)}};
    assert(choose(o, 2, 0) == -1 && errno == ETIMEDOUT);

    /* c is still there */
    struct chclause t[] = {{CHRECV, c[1], &v, sizeof(v)}, {CHRECV, a[0], &v, sizeof(v)}};
    assert(choose(t, 2, 0) == 0 && errno == 0 && v == 5);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);

    assert(hclose(a[0]) == 0 && hclose(a[1]) == 0);
    assert(hclose(b[0]) == 0 && hclose(b[1]) == 0);
    assert(hclose(c[0]) == 0 && hclose(c[1]) == 0);
    return 0;
}
