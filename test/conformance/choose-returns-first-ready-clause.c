/* When several clauses can be done immediately, choose performs the one
   that comes first in the array and only that one: the other ready peers
   stay waiting. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

coroutine static void sender(int ch, int v) {
    assert(chsend(ch, &v, sizeof(v), -1) == 0);
}

int main(void) {
    int a[2], b[2], c[2];
    assert(chmake(a) == 0 && chmake(b) == 0 && chmake(c) == 0);
    int bd = bundle();
    assert(bd >= 0);
    /* b and c have waiting senders, a does not */
    assert(bundle_go(bd, sender(b[0], 2)) == 0);
    assert(bundle_go(bd, sender(c[0], 3)) == 0);
    int va = 0, vb = 0, vc = 0;
    struct chclause cl[] = {
        {CHRECV, a[1], &va, sizeof(va)},
        {CHRECV, b[1], &vb, sizeof(vb)},
        {CHRECV, c[1], &vc, sizeof(vc)},
    };
    errno = -1;
    assert(choose(cl, 3, -1) == 1);
    assert(errno == 0 && vb == 2 && vc == 0 && va == 0);
    /* now only c is ready */
    assert(choose(cl, 3, 0) == 2);
    assert(errno == 0 && vc == 3);
    assert(choose(cl, 3, 0) == -1 && errno == ETIMEDOUT);

    /* reversed order: c before b */
    assert(bundle_go(bd, sender(b[0], 20)) == 0);
    assert(bundle_go(bd, sender(c[0], 30)) == 0);
    struct chclause rev[] = {
        {CHRECV, c[1], &vc, sizeof(vc)},
        {CHRECV, b[1], &vb, sizeof(vb)},
    };
    assert(choose(rev, 2, 0) == 0 && errno == 0 && vc == 30);
    assert(choose(rev, 2, 0) == 1 && errno == 0 && vb == 20);

    assert(bundle_wait(bd, now() + 1000) == 0 && hclose(bd) == 0);
    assert(hclose(a[0]) == 0 && hclose(a[1]) == 0);
    assert(hclose(b[0]) == 0 && hclose(b[1]) == 0);
    assert(hclose(c[0]) == 0 && hclose(c[1]) == 0);
    return 0;
}
