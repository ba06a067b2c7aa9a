/* When choose completes a clause successfully it sets errno to 0, even if
   errno held an error value before the call; it works with a single
   clause, and chsend/chrecv peers interoperate with choose on either side. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

coroutine static void choose_sender(int ch, int n) {
    for(int i = 0; i < n; i++) {
        struct chclause cl[] = {{CHSEND, ch, &i, sizeof(i)}};
        errno = EPIPE;
        assert(choose(cl, 1, -1) == 0);
        assert(errno == 0);
    }
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int h = go(choose_sender(ch[0], 50));
    assert(h >= 0);
    for(int i = 0; i < 50; i++) {
        int v = -1;
        if(i % 2) {
            assert(chrecv(ch[1], &v, sizeof(v), -1) == 0);
        } else {
            struct chclause cl[] = {{CHRECV, ch[1], &v, sizeof(v)}};
            errno = ETIMEDOUT;
            assert(choose(cl, 1, now() + 1000) == 0);
            assert(errno == 0);
        }
        assert(v == i);
    }
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
