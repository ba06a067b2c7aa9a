/* A coroutine calling chrecv() with nobody sending blocks; when the main
   coroutine later sends on the other end, chrecv() returns 0 with the value
   and the sender does not block. */
#include <assert.h>
#include "libdill.h"

static int stage, got;

coroutine static void receiver(int ch) {
    int v = 0;
    stage = 1;
    int rc = chrecv(ch, &v, sizeof(v), -1);
    assert(rc == 0);
    got = v;
    stage = 2;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int h = go(receiver(ch[1]));
    assert(h >= 0);
    assert(stage == 1);
    assert(msleep(now() + 20) == 0);
    assert(stage == 1);
    int v = -99;
    /* the receiver is waiting, so even a non-blocking send succeeds */
    assert(chsend(ch[0], &v, sizeof(v), 0) == 0);
    assert(bundle_wait(h, now() + 1000) == 0);
    assert(stage == 2 && got == -99);
    assert(hclose(h) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
