/* A coroutine blocked in choose returns -1 with ECANCELED (not an index)
   when its handle is closed; once canceled, choose fails with ECANCELED
   even with deadline 0 or with a clause that is ready, and the ready peer
   is left untouched. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int r1 = 99, e1, r2 = 99, e2;

coroutine static void chooser(int a, int b) {
    int v;
    struct chclause cl[] = {{CHRECV, a, &v, sizeof(v)}, {CHSEND, b, &v, sizeof(v)}};
    r1 = choose(cl, 2, -1);
    e1 = errno;
    r2 = choose(cl, 2, 0);
    e2 = errno;
}

coroutine static void late_chooser(int a) {
    assert(msleep(-1) == -1 && errno == ECANCELED);
    int v;
    struct chclause cl[] = {{CHRECV, a, &v, sizeof(v)}};
    r1 = choose(cl, 1, 0);
    e1 = errno;
}

coroutine static void sender(int ch, int v) {
    assert(chsend(ch, &v, sizeof(v), -1) == 0);
}

int main(void) {
    int a[2], b[2];
    assert(chmake(a) == 0 && chmake(b) == 0);
    int h = go(chooser(a[0], b[0]));
    assert(h >= 0);
    assert(r1 == 99);
    assert(hclose(h) == 0);
    assert(r1 == -1 && e1 == ECANCELED);
    assert(r2 == -1 && e2 == ECANCELED);

    r1 = 99;
    int lc = go(late_chooser(a[0]));
    assert(lc >= 0);
    int s = go(sender(a[1], 12));
    assert(s >= 0);
    assert(hclose(lc) == 0);
    assert(r1 == -1 && e1 == ECANCELED);
    int v = 0;
    assert(chrecv(a[0], &v, sizeof(v), 0) == 0 && v == 12);
    assert(bundle_wait(s, now() + 1000) == 0 && hclose(s) == 0);

    assert(hclose(a[0]) == 0 && hclose(a[1]) == 0);
    assert(hclose(b[0]) == 0 && hclose(b[1]) == 0);
    return 0;
}
