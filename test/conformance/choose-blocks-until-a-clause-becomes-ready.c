/* choose with nothing ready blocks; when a peer later shows up on one of
   its channels (a sender for a receive clause, a receiver for a send
   clause) that clause is performed and its index returned with errno 0. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int idx = 99, err = 99, got = -1;

coroutine static void chooser(int rch, int sch) {
    int v = 0, s = 444;
    struct chclause cl[] = {
        {CHRECV, rch, &v, sizeof(v)},
        {CHSEND, sch, &s, sizeof(s)},
    };
    idx = choose(cl, 2, -1);
    err = errno;
    if(idx == 0) got = v;
}

int main(void) {
    int a[2], b[2];
    assert(chmake(a) == 0 && chmake(b) == 0);

    int h = go(chooser(a[0], b[0]));
    assert(h >= 0);
    assert(msleep(now() + 20) == 0);
    assert(idx == 99);
    int v = 17;
    assert(chsend(a[1], &v, sizeof(v), 0) == 0);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(idx == 0 && err == 0 && got == 17);

    idx = err = 99;
    h = go(chooser(a[0], b[0]));
    assert(h >= 0);
    assert(msleep(now() + 20) == 0);
    assert(idx == 99);
    v = 0;
    assert(chrecv(b[1], &v, sizeof(v), 0) == 0);
    assert(v == 444);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(idx == 1 && err == 0);

    assert(hclose(a[0]) == 0 && hclose(a[1]) == 0);
    assert(hclose(b[0]) == 0 && hclose(b[1]) == 0);
    return 0;
}
