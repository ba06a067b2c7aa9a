/* A clause that cannot be valid makes choose return that clause's index
   with errno set: EBADF for an invalid or closed handle, ENOTSUP for a
   handle that is not a channel, EINVAL for an unknown op or a NULL buffer
   with non-zero length. Earlier clauses that are merely not ready do not
   hide the error; the call does not block, even with deadline -1. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    int ch[2], dead[2];
    assert(chmake(ch) == 0 && chmake(dead) == 0);
    assert(hclose(dead[0]) == 0 && hclose(dead[1]) == 0);
    int b = bundle();
    assert(b >= 0);
    int v = 0;

    struct chclause c1[] = {{CHRECV, ch[0], &v, sizeof(v)}, {CHRECV, -1, &v, sizeof(v)}};
    errno = 0;
    assert(choose(c1, 2, -1) == 1 && errno == EBADF);

    struct chclause c2[] = {{CHSEND, 99999, &v, sizeof(v)}};
    errno = 0;
    assert(choose(c2, 1, 0) == 0 && errno == EBADF);

    struct chclause c3[] = {{CHRECV, ch[0], &v, sizeof(v)}, {CHSEND, ch[1], &v, sizeof(v)},
                            {CHSEND, dead[0], &v, sizeof(v)}};
    errno = 0;
    assert(choose(c3, 3, -1) == 2 && errno == EBADF);

    struct chclause c4[] = {{CHRECV, ch[0], &v, sizeof(v)}, {CHRECV, b, &v, sizeof(v)}};
    errno = 0;
    assert(choose(c4, 2, -1) == 1 && errno == ENOTSUP);

    struct chclause c5[] = {{CHSEND, b, &v, sizeof(v)}};
    errno = 0;
    assert(choose(c5, 1, now() + 1000) == 0 && errno == ENOTSUP);

    struct chclause c6[] = {{CHRECV, ch[0], &v, sizeof(v)}, {0, ch[1], &v, sizeof(v)}};
    errno = 0;
    assert(choose(c6, 2, -1) == 1 && errno == EINVAL);

    struct chclause c7[] = {{3, ch[0], &v, sizeof(v)}};
    errno = 0;
    assert(choose(c7, 1, -1) == 0 && errno == EINVAL);

    struct chclause c8[] = {{CHSEND, ch[0], &v, sizeof(v)}, {CHRECV, ch[1], NULL, 4}};
    errno = 0;
    assert(choose(c8, 2, -1) == 1 && errno == EINVAL);

    struct chclause c9[] = {{CHSEND, ch[1], NULL, 1}};
    errno = 0;
    assert(choose(c9, 1, 0) == 0 && errno == EINVAL);

    /* the channel and bundle are untouched */
    assert(chrecv(ch[0], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
    assert(bundle_wait(b, 0) == 0);
    assert(hclose(b) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
