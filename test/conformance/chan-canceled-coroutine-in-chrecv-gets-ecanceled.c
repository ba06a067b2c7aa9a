/* A coroutine blocked in chrecv (deadline -1 or a far deadline) gets
   -1/ECANCELED when its handle is closed; once canceled, further chrecv
   calls in it fail with ECANCELED at once, even with deadline 0 and even
   when a sender is waiting (whose message is then left for others). */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int rc1, err1, rc2, err2, rc3, err3;

coroutine static void receiver(int ch, int64_t deadline) {
    int v;
    rc1 = chrecv(ch, &v, sizeof(v), deadline);
    err1 = errno;
    rc2 = chrecv(ch, &v, sizeof(v), 0);
    err2 = errno;
    rc3 = chrecv(ch, &v, sizeof(v), -1);
    err3 = errno;
}

coroutine static void sleeper_then_receiver(int ch) {
    assert(msleep(-1) == -1 && errno == ECANCELED);
    int v;
    rc1 = chrecv(ch, &v, sizeof(v), 0);
    err1 = errno;
}

coroutine static void sender(int ch, int v) {
    assert(chsend(ch, &v, sizeof(v), -1) == 0);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);

    rc1 = rc2 = rc3 = 99;
    int h = go(receiver(ch[1], -1));
    assert(h >= 0);
    assert(rc1 == 99);
    assert(hclose(h) == 0);
    assert(rc1 == -1 && err1 == ECANCELED);
    assert(rc2 == -1 && err2 == ECANCELED);
    assert(rc3 == -1 && err3 == ECANCELED);

    rc1 = rc2 = rc3 = 99;
    h = go(receiver(ch[1], now() + 100000));
    assert(h >= 0);
    assert(hclose(h) == 0);
    assert(rc1 == -1 && err1 == ECANCELED);
    assert(rc3 == -1 && err3 == ECANCELED);

    /* a sender is waiting when the canceled coroutine calls chrecv */
    rc1 = 99;
    int r = go(sleeper_then_receiver(ch[1]));
    assert(r >= 0);
    int s = go(sender(ch[0], 6));
    assert(s >= 0);
    assert(hclose(r) == 0);
    assert(rc1 == -1 && err1 == ECANCELED);
    int v = 0;
    assert(chrecv(ch[1], &v, sizeof(v), 0) == 0 && v == 6);
    assert(bundle_wait(s, now() + 1000) == 0 && hclose(s) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
