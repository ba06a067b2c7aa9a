/* ipc_close: 0 after the peer's EOF; ETIMEDOUT when the peer never closes;
   ECONNRESET when the peer reset; ECANCELED when canceled.  (That the
   handle is gone in every case: ipc-and-tcp-close-leave-no-handle-behind.c.) */
#include <assert.h>
#include "libdill.h"

static int closer_rc, closer_err;

coroutine static void closer(int s) {
    closer_rc = ipc_close(s, -1);
    closer_err = errno;
}

coroutine static void polite_peer(int s) {
    char b;
    while(brecv(s, &b, 1, -1) == 0) {}
    assert(errno == EPIPE);
    assert(ipc_close(s, -1) == 0);
}

int main(void) {
    int p[2];
    char buf[8];
    /* Clean: the peer reads to EPIPE and closes too. */
    assert(ipc_pair(p) == 0);
    int h = go(polite_peer(p[1]));
    assert(bsend(p[0], "bye", 3, -1) == 0);
    assert(ipc_close(p[0], now() + 1000) == 0);
    assert(bundle_wait(h, now() + 1000) == 0);
    hclose(h);

    /* The peer keeps the connection open: ETIMEDOUT. */
    assert(ipc_pair(p) == 0);
    int64_t t0 = now();
    assert(ipc_close(p[0], now() + 50) == -1 && errno == ETIMEDOUT);
    assert(now() - t0 >= 45);
    /* The peer sees our half-close, then our close. */
    assert(brecv(p[1], buf, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);

    /* The peer resets (closes with our data unread): ECONNRESET. */
    assert(ipc_pair(p) == 0);
    assert(bsend(p[0], "unread", 6, -1) == 0);
    assert(hclose(p[1]) == 0);
    assert(ipc_close(p[0], now() + 1000) == -1 && errno == ECONNRESET);

    /* Canceled while waiting for the peer: ECANCELED. */
    assert(ipc_pair(p) == 0);
    h = go(closer(p[0]));
    assert(hclose(h) == 0);
    assert(closer_rc == -1 && closer_err == ECANCELED);
    assert(hclose(p[1]) == 0);
    return 0;
}
