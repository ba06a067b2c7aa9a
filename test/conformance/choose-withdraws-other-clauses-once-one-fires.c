/* After a blocked choose is completed through one clause, its other
   clauses no longer wait: a later non-blocking send or receive on those
   channels finds nobody and times out. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int idx = 99;

coroutine static void chooser(int a, int b, int c) {
    int va, vb, vc = 9;
    struct chclause cl[] = {
        {CHRECV, a, &va, sizeof(va)},
        {CHRECV, b, &vb, sizeof(vb)},
        {CHSEND, c, &vc, sizeof(vc)},
    };
    idx = choose(cl, 3, -1);
    assert(errno == 0);
}

int main(void) {
    int a[2], b[2], c[2];
    assert(chmake(a) == 0 && chmake(b) == 0 && chmake(c) == 0);
    int h = go(chooser(a[0], b[0], c[0]));
    assert(h >= 0);
    int v = 1;
    assert(chsend(b[1], &v, sizeof(v), 0) == 0);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(idx == 1);
    assert(chsend(a[1], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
    assert(chsend(b[1], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
    assert(chrecv(c[1], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
    assert(hclose(a[0]) == 0 && hclose(a[1]) == 0);
    assert(hclose(b[0]) == 0 && hclose(b[1]) == 0);
    assert(hclose(c[0]) == 0 && hclose(c[1]) == 0);
    return 0;
}
