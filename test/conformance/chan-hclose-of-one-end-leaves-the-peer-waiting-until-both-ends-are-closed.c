/* Closing one end of a channel with hclose changes nothing for the other
   end, as in upstream libdill: coroutines blocked on the other end (and on
   the closed end itself) keep waiting until their deadlines (ETIMEDOUT),
   and new operations on the surviving end wait too; chdone() is how a side
   tells its peer it is finished.  The closed end's number is gone (EBADF).
   Once both ends are closed, whoever still waits is woken with EPIPE. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int timeouts, epipes, others;

static void count(int rc) {
    if(rc == -1 && errno == ETIMEDOUT) timeouts++;
    else if(rc == -1 && errno == EPIPE) epipes++;
    else others++;
}

coroutine static void receiver(int ch, int64_t deadline) {
    int v;
    count(chrecv(ch, &v, sizeof(v), deadline));
}

coroutine static void sender(int ch, int64_t deadline) {
    int v = 1;
    count(chsend(ch, &v, sizeof(v), deadline));
}

int main(void) {
    int ch[2];
    int v = 0;

    /* Receivers and senders blocked on the other end, and one blocked on
       the end that is closed: all time out. */
    assert(chmake(ch) == 0);
    int b = bundle();
    assert(b >= 0);
    int64_t deadline = now() + 200;
    for(int i = 0; i < 2; i++) assert(bundle_go(b, receiver(ch[1], deadline)) == 0);
    assert(bundle_go(b, receiver(ch[0], deadline)) == 0);
    assert(hclose(ch[0]) == 0);
    assert(bundle_wait(b, now() + 100) == -1 && errno == ETIMEDOUT);
    assert(timeouts == 0 && epipes == 0 && others == 0);
    assert(bundle_wait(b, now() + 2000) == 0);
    assert(timeouts == 3 && epipes == 0 && others == 0);
    /* The surviving end still waits; the closed one is gone. */
    assert(chrecv(ch[1], &v, sizeof(v), now() + 50) == -1 && errno == ETIMEDOUT);
    assert(chsend(ch[1], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
    assert(chsend(ch[0], &v, sizeof(v), 0) == -1 && errno == EBADF);
    assert(hclose(ch[1]) == 0);

    /* Senders blocked on the surviving end: closing it too wakes them. */
    timeouts = epipes = others = 0;
    assert(chmake(ch) == 0);
    for(int i = 0; i < 3; i++) assert(bundle_go(b, sender(ch[0], -1)) == 0);
    assert(hclose(ch[1]) == 0);
    assert(bundle_wait(b, now() + 100) == -1 && errno == ETIMEDOUT);
    assert(timeouts == 0 && epipes == 0 && others == 0);
    assert(hclose(ch[0]) == 0);
    assert(bundle_wait(b, now() + 1000) == 0);
    assert(epipes == 3 && timeouts == 0 && others == 0);
    assert(hclose(b) == 0);
    return 0;
}
