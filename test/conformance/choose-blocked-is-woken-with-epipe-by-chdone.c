/* A choose blocked on receive clauses is woken when the peer of one of its
   channels calls chdone: it returns that clause's index with errno EPIPE. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int idx = 99, err = 99;

coroutine static void chooser(int a, int b) {
    int v;
    struct chclause cl[] = {{CHRECV, a, &v, sizeof(v)}, {CHRECV, b, &v, sizeof(v)}};
    idx = choose(cl, 2, now() + 5000);
    err = errno;
}

int main(void) {
    int a[2], b[2];
    assert(chmake(a) == 0 && chmake(b) == 0);
    int h = go(chooser(a[0], b[0]));
    assert(h >= 0);
    assert(idx == 99);
    int64_t t0 = now();
    assert(chdone(b[1]) == 0);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(idx == 1 && err == EPIPE);
    assert(now() - t0 < 1000);
    assert(hclose(a[0]) == 0 && hclose(a[1]) == 0);
    assert(hclose(b[0]) == 0 && hclose(b[1]) == 0);
    return 0;
}
