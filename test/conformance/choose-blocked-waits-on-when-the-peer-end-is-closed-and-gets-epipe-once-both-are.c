/* A choose blocked with a send clause on a[0] and a receive clause on b[0]
   is not woken when a peer end (a[1] or b[1]) is closed with hclose: as in
   upstream libdill, closing one end of a channel changes nothing for the
   other, and the choose times out at its deadline.  When the chooser's own
   end is closed as well, the choose is woken with EPIPE for that clause. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int idx, err;

coroutine static void chooser(int a, int b, int64_t deadline) {
    int x = 1, y;
    struct chclause cl[] = {{CHSEND, a, &x, sizeof(x)}, {CHRECV, b, &y, sizeof(y)}};
    idx = choose(cl, 2, deadline);
    err = errno;
}

int main(void) {
    for(int which = 0; which < 2; which++) {
        int a[2], b[2];
        assert(chmake(a) == 0 && chmake(b) == 0);
        /* The peer end closed: the choose times out. */
        idx = err = 99;
        int h = go(chooser(a[0], b[0], now() + 200));
        assert(h >= 0);
        assert(idx == 99);
        assert(hclose(which == 0 ? a[1] : b[1]) == 0);
        assert(bundle_wait(h, now() + 100) == -1 && errno == ETIMEDOUT);
        assert(idx == 99);
        assert(bundle_wait(h, now() + 2000) == 0 && hclose(h) == 0);
        assert(idx == -1 && err == ETIMEDOUT);
        /* Both ends of that channel closed: EPIPE for its clause. */
        idx = err = 99;
        h = go(chooser(a[0], b[0], -1));
        assert(h >= 0);
        assert(hclose(which == 0 ? a[0] : b[0]) == 0);
        assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
        assert(idx == which && err == EPIPE);
        assert(hclose(which == 0 ? b[1] : a[1]) == 0);
        assert(hclose(which == 0 ? b[0] : a[0]) == 0);
    }
    return 0;
}
