/* ipc_close and tcp_close close the socket in every case, as the manual
   says: after 0, ETIMEDOUT (a peer that never closes), ECONNRESET and
   ECANCELED, the handle is gone (hclose gives EBADF) and its number is free
   for the next handle.

   Upstream differs, a bug (this program fails natively): its ipc_close and
   tcp_close free the socket but leave the handle pointing at it, so the
   number is never reused and hclose on it segfaults.  Ours lets go of it. */
#include <assert.h>
#include "libdill.h"

static int tcp;            /* 0: IPC (ipc_pair), 1: TCP over 127.0.0.1 */
static int ls = -1;
static struct ipaddr addr;

static void pair(int *c, int *s) {
    if(!tcp) {
        int p[2];
        assert(ipc_pair(p) == 0);
        *c = p[0];
        *s = p[1];
        return;
    }
    *c = tcp_connect(&addr, now() + 2000);
    assert(*c >= 0);
    *s = tcp_accept(ls, NULL, now() + 2000);
    assert(*s >= 0);
}

static int orderly_close(int s, int64_t deadline) {
    return tcp ? tcp_close(s, deadline) : ipc_close(s, deadline);
}

/* The handle is gone: every call on its number is EBADF (numbers rotate,
   so new handles made meanwhile do not take it). */
static void gone(int h) {
    assert(hclose(h) == -1 && errno == EBADF);
    int ch[2];
    assert(chmake(ch) == 0);
    assert(ch[0] != h && ch[1] != h);
    assert(hclose(h) == -1 && errno == EBADF);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
}

static int result, err;

coroutine static void canceled_close(int s) {
    result = orderly_close(s, -1);
    err = errno;
}

coroutine static void polite(int s) {
    char b;
    while(brecv(s, &b, 1, -1) == 0) {}
    assert(errno == EPIPE);
    assert(orderly_close(s, -1) == 0);
}

static void run(void) {
    int c, s;
    /* 0: the peer closes too. */
    pair(&c, &s);
    int h = go(polite(s));
    assert(h >= 0);
    assert(orderly_close(c, now() + 2000) == 0);
    assert(bundle_wait(h, now() + 2000) == 0);
    assert(hclose(h) == 0);
    gone(c);
    /* ETIMEDOUT: the peer never closes. */
    pair(&c, &s);
    assert(orderly_close(c, now() + 50) == -1 && errno == ETIMEDOUT);
    gone(c);
    assert(hclose(s) == 0);
    /* ECONNRESET: the peer closes with our data unread. */
    pair(&c, &s);
    assert(bsend(c, "unread", 6, -1) == 0);
    assert(msleep(now() + 20) == 0);
    assert(hclose(s) == 0);
    assert(msleep(now() + 20) == 0);
    assert(orderly_close(c, now() + 2000) == -1 && errno == ECONNRESET);
    gone(c);
    /* ECANCELED. */
    pair(&c, &s);
    h = go(canceled_close(c));
    assert(h >= 0);
    assert(hclose(h) == 0);
    assert(result == -1 && err == ECANCELED);
    gone(c);
    assert(hclose(s) == 0);
}

int main(void) {
    run();
    tcp = 1;
    assert(ipaddr_local(&addr, "127.0.0.1", 0, 0) == 0);
    ls = tcp_listen(&addr, 10);
    assert(ls >= 0);
    run();
    assert(hclose(ls) == 0);
    return 0;
}
