/* A choose clause whose length differs from the waiting peer's returns its
   index with errno EMSGSIZE and the peer fails with EMSGSIZE too; likewise
   when choose is the one waiting and the peer arrives with a wrong size. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int p_rc, p_err;

coroutine static void sender8(int ch) {
    long long v = 1;
    p_rc = chsend(ch, &v, sizeof(v), -1);
    p_err = errno;
}

static int c_idx, c_err;
coroutine static void chooser(int other, int ch) {
    int v = 0, w = 0;
    struct chclause cl[] = {{CHRECV, other, &w, sizeof(w)}, {CHRECV, ch, &v, sizeof(v)}};
    c_idx = choose(cl, 2, -1);
    c_err = errno;
}

int main(void) {
    int ch[2], other[2];
    assert(chmake(ch) == 0 && chmake(other) == 0);
    int w = 0, v = 0;

    p_rc = 99;
    int h = go(sender8(ch[0]));
    assert(h >= 0);
    struct chclause cl[] = {{CHRECV, other[0], &w, sizeof(w)}, {CHRECV, ch[1], &v, sizeof(v)}};
    errno = 0;
    assert(choose(cl, 2, -1) == 1 && errno == EMSGSIZE);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(p_rc == -1 && p_err == EMSGSIZE);

    c_idx = c_err = 99;
    h = go(chooser(other[0], ch[1]));
    assert(h >= 0);
    short s = 3;
    assert(chsend(ch[0], &s, sizeof(s), -1) == -1 && errno == EMSGSIZE);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(c_idx == 1 && c_err == EMSGSIZE);

    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    assert(hclose(other[0]) == 0 && hclose(other[1]) == 0);
    return 0;
}
