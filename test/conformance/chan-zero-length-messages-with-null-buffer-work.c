/* Zero-length messages are pure synchronisation: chsend(ch, NULL, 0, ...)
   rendezvous with chrecv(ch, NULL, 0, ...), in either blocking order, and
   a non-NULL buffer with length 0 is fine too. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int signals;

coroutine static void signaller(int ch, int n) {
    for(int i = 0; i < n; i++) {
        assert(chsend(ch, NULL, 0, -1) == 0);
        signals++;
    }
}

coroutine static void waiter(int ch) {
    char c = 'q';
    assert(chrecv(ch, &c, 0, -1) == 0);
    assert(c == 'q');
    signals += 100;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int h = go(signaller(ch[0], 5));
    assert(h >= 0);
    for(int i = 0; i < 5; i++) assert(chrecv(ch[1], NULL, 0, -1) == 0);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(signals == 5);

    h = go(waiter(ch[1]));
    assert(h >= 0);
    int dummy = 1;
    assert(chsend(ch[0], &dummy, 0, 0) == 0);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(signals == 105);

    /* nobody there: zero-length still times out */
    assert(chsend(ch[0], NULL, 0, 0) == -1 && errno == ETIMEDOUT);
    assert(chrecv(ch[0], NULL, 0, 0) == -1 && errno == ETIMEDOUT);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
