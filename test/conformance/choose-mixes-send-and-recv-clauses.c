/* choose with both CHSEND and CHRECV clauses performs whichever is ready:
   a send clause when a receiver waits, a receive clause when a sender
   waits, and the value moves in the right direction each time. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int received = -1;

coroutine static void receiver(int ch) {
    int v;
    assert(chrecv(ch, &v, sizeof(v), -1) == 0);
    received = v;
}

coroutine static void sender(int ch, int v) {
    assert(chsend(ch, &v, sizeof(v), -1) == 0);
}

int main(void) {
    int out[2], in[2];
    assert(chmake(out) == 0 && chmake(in) == 0);
    int tosend = 111, got = 0;
    struct chclause cl[] = {
        {CHSEND, out[0], &tosend, sizeof(tosend)},
        {CHRECV, in[0], &got, sizeof(got)},
    };
    assert(choose(cl, 2, 0) == -1 && errno == ETIMEDOUT);

    int h = go(receiver(out[1]));
    assert(h >= 0);
    assert(choose(cl, 2, 0) == 0 && errno == 0);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(received == 111 && got == 0);

    h = go(sender(in[1], 222));
    assert(h >= 0);
    assert(choose(cl, 2, 0) == 1 && errno == 0);
    assert(got == 222);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);

    /* send and receive clauses on the two ends of one channel */
    int ch[2];
    assert(chmake(ch) == 0);
    h = go(sender(ch[1], 333));
    assert(h >= 0);
    int x = 5, y = 0;
    struct chclause same[] = {
        {CHSEND, ch[0], &x, sizeof(x)},
        {CHRECV, ch[0], &y, sizeof(y)},
    };
    assert(choose(same, 2, -1) == 1 && errno == 0 && y == 333);
    assert(hclose(h) == 0);

    assert(hclose(out[0]) == 0 && hclose(out[1]) == 0);
    assert(hclose(in[0]) == 0 && hclose(in[1]) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
