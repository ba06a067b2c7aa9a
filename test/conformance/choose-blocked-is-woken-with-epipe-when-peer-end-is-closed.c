/* A choose blocked with a send clause on a[0] and a receive clause on b[0]
   is woken with EPIPE for the right clause when the peer end a[1] (or b[1])
   is closed with hclose. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int idx, err;

coroutine static void chooser(int a, int b) {
    int x = 1, y;
    struct chclause cl[] = {{CHSEND, a, &x, sizeof(x)}, {CHRECV, b, &y, sizeof(y)}};
    idx = choose(cl, 2, -1);
    err = errno;
}

int main(void) {
    for(int which = 0; which < 2; which++) {
        int a[2], b[2];
        assert(chmake(a) == 0 && chmake(b) == 0);
        idx = err = 99;
        int h = go(chooser(a[0], b[0]));
        assert(h >= 0);
        assert(idx == 99);
        assert(hclose(which == 0 ? a[1] : b[1]) == 0);
        assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
        assert(idx == which && err == EPIPE);
        assert(hclose(which == 0 ? b[1] : a[1]) == 0);
        assert(hclose(a[0]) == 0 && hclose(b[0]) == 0);
    }
    return 0;
}
