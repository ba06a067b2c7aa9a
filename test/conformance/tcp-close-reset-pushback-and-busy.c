/* TCP connections under stress: tcp_close gives ETIMEDOUT when the peer
   never closes, ECONNRESET when it resets, ECANCELED when cancelled (that
   the handle is gone each time: ipc-and-tcp-close-leave-no-handle-behind.c);
   a peer that closes with unread data resets the
   connection (ECONNRESET from bsend and brecv); bsend to a peer that does
   not read blocks and honours its deadline; a second sender or receiver
   gets EBUSY. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

static struct ipaddr addr;
static int ls;

/* A connected pair (c: client, s: server side). */
static void pair(int *c, int *s) {
    *c = tcp_connect(&addr, now() + 2000);
    assert(*c >= 0);
    *s = tcp_accept(ls, NULL, now() + 2000);
    assert(*s >= 0);
}

static int result = 0, err = 0;

coroutine static void closer(int s) {
    result = tcp_close(s, -1);
    err = errno;
}

coroutine static void receiver(int s) {
    char b;
    result = brecv(s, &b, 1, -1);
    err = errno;
}

int main(void) {
    assert(ipaddr_local(&addr, "127.0.0.1", 0, 0) == 0);
    ls = tcp_listen(&addr, 10);
    assert(ls >= 0);
    int c, s;
    static char big[1 << 20];

    /* ETIMEDOUT: the peer never half-closes. */
    pair(&c, &s);
    assert(tcp_close(c, now() + 100) == -1 && errno == ETIMEDOUT);
    char b;
    /* The peer saw our half-close, then our close. */
    assert(brecv(s, &b, 1, now() + 2000) == -1 && errno == EPIPE);
    assert(hclose(s) == 0);

    /* ECONNRESET: the peer closes with data of ours unread. */
    pair(&c, &s);
    assert(bsend(c, "unread", 6, -1) == 0);
    assert(bsend(s, "x", 1, -1) == 0);
    msleep(now() + 50);
    assert(hclose(s) == 0);
    msleep(now() + 50);
    assert(tcp_close(c, now() + 2000) == -1 && errno == ECONNRESET);

    /* Reset seen by bsend and brecv. */
    pair(&c, &s);
    assert(bsend(c, "unread", 6, -1) == 0);
    msleep(now() + 50);
    assert(hclose(s) == 0);
    msleep(now() + 50);
    assert(brecv(c, &b, 1, now() + 2000) == -1 && errno == ECONNRESET);
    assert(bsend(c, "more", 4, now() + 2000) == -1 && errno == ECONNRESET);
    assert(hclose(c) == 0);

    /* ECANCELED from tcp_close in a cancelled coroutine. */
    pair(&c, &s);
    int h = go(closer(c));
    assert(hclose(h) == 0);
    assert(result == -1 && err == ECANCELED);
    assert(hclose(s) == 0);

    /* Pushback: the peer does not read. */
    pair(&c, &s);
    int sent = 0;
    for(;;) {
        int rc = bsend(c, big, sizeof(big), now() + 300);
        if(rc < 0) {assert(errno == ETIMEDOUT); break;}
        sent++;
        assert(sent < 64);   /* bounded: it must block at some point */
    }
    /* The direction is unusable after a failed send. */
    assert(bsend(c, "x", 1, -1) == -1 && errno == ECONNRESET);
    assert(hclose(c) == 0 && hclose(s) == 0);

    /* EBUSY: a second receiver while one waits. */
    pair(&c, &s);
    h = go(receiver(s));
    assert(brecv(s, &b, 1, 0) == -1 && errno == EBUSY);
    assert(bsend(c, "y", 1, -1) == 0);
    assert(bundle_wait(h, now() + 2000) == 0);
    assert(result == 0);
    assert(hclose(h) == 0);
    assert(hclose(c) == 0 && hclose(s) == 0);
    assert(hclose(ls) == 0);
    return 0;
}
