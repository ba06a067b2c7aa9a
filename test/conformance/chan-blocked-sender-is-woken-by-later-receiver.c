/* A coroutine calling chsend() with nobody receiving blocks; when the main
   coroutine later calls chrecv() on the other end it gets the value and
   the sender's chsend() returns 0. */
#include <assert.h>
#include "libdill.h"

static int stage;

coroutine static void sender(int ch) {
    int v = 4242;
    stage = 1;
    int rc = chsend(ch, &v, sizeof(v), -1);
    assert(rc == 0);
    stage = 2;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int h = go(sender(ch[0]));
    assert(h >= 0);
    assert(stage == 1);              /* blocked in chsend */
    assert(msleep(now() + 20) == 0);
    assert(stage == 1);              /* still blocked */
    int v = 0;
    assert(chrecv(ch[1], &v, sizeof(v), -1) == 0);
    assert(v == 4242);
    assert(bundle_wait(h, now() + 1000) == 0);
    assert(stage == 2);
    assert(hclose(h) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
