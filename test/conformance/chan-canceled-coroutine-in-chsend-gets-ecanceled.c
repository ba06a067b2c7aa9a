/* A coroutine blocked in chsend gets -1/ECANCELED when its handle is
   closed, and its message is withdrawn (a later receiver does not get
   it); once canceled, chsend fails with ECANCELED at once even when a
   receiver is waiting, and that receiver stays blocked for others. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int rc1, err1, rc2, err2;

coroutine static void sender(int ch, int v) {
    rc1 = chsend(ch, &v, sizeof(v), -1);
    err1 = errno;
    rc2 = chsend(ch, &v, sizeof(v), 0);
    err2 = errno;
}

coroutine static void sleeper_then_sender(int ch) {
    assert(msleep(-1) == -1 && errno == ECANCELED);
    int v = 1;
    rc1 = chsend(ch, &v, sizeof(v), 0);
    err1 = errno;
}

static int got = -1;
coroutine static void receiver(int ch) {
    int v;
    assert(chrecv(ch, &v, sizeof(v), -1) == 0);
    got = v;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    rc1 = rc2 = 99;
    int h = go(sender(ch[0], 8));
    assert(h >= 0);
    assert(rc1 == 99);
    assert(hclose(h) == 0);
    assert(rc1 == -1 && err1 == ECANCELED);
    assert(rc2 == -1 && err2 == ECANCELED);
    int v;
    assert(chrecv(ch[1], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);

    rc1 = 99;
    int s = go(sleeper_then_sender(ch[0]));
    assert(s >= 0);
    int r = go(receiver(ch[1]));
    assert(r >= 0);
    assert(hclose(s) == 0);
    assert(rc1 == -1 && err1 == ECANCELED);
    assert(got == -1);
    v = 55;
    assert(chsend(ch[0], &v, sizeof(v), 0) == 0);
    assert(bundle_wait(r, now() + 1000) == 0 && hclose(r) == 0);
    assert(got == 55);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
