/* hclose() on a coroutine handle cancels its blocked call with ECANCELED,
   later blocking calls fail at once, and hclose returns after it finished. */
#include <assert.h>
#include <libdill.h>

static int stage;

coroutine static void victim(int ch) {
    int v;
    stage = 1;
    int rc = chrecv(ch, &v, sizeof(v), -1);
    assert(rc == -1 && errno == ECANCELED);
    assert(msleep(now() + 1000) == -1 && errno == ECANCELED);
    assert(yield() == -1 && errno == ECANCELED);
    assert(chsend(ch, &v, sizeof(v), 0) == -1 && errno == ECANCELED);
    assert(go(victim(ch)) == -1 && errno == ECANCELED);
    stage = 2;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int h = go(victim(ch[0]));
    assert(stage == 1);
    assert(hclose(h) == 0);
    assert(stage == 2);
    /* The handle is gone. */
    assert(hclose(h) == -1 && errno == EBADF);
    return 0;
}
