/* A chrecv with a deadline of now()+1000 succeeds as soon as a sender
   arrives (here after about 30 ms), long before the deadline; and a
   non-blocking chrecv (deadline 0) succeeds when a sender is already
   waiting. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

coroutine static void late_sender(int ch, int v, int delay) {
    assert(msleep(now() + delay) == 0);
    assert(chsend(ch, &v, sizeof(v), -1) == 0);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int64_t t0 = now();
    int h = go(late_sender(ch[0], 31, 30));
    assert(h >= 0);
    int v = 0;
    assert(chrecv(ch[1], &v, sizeof(v), now() + 1000) == 0);
    int64_t d = now() - t0;
    assert(v == 31);
    assert(d >= 20 && d < 700);
    assert(hclose(h) == 0);

    h = go(late_sender(ch[0], 32, 0));
    assert(h >= 0);
    /* let the sender reach chsend */
    assert(msleep(now() + 10) == 0);
    assert(chrecv(ch[1], &v, sizeof(v), 0) == 0 && v == 32);
    assert(hclose(h) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
