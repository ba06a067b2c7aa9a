/* TERM over SUFFIX ("\n") over ipc_pair against a raw peer: what term_done
   sends, EPIPE after the peer's terminal message, term_detach handing back
   the SUFFIX socket at the message after it; the terminal message is
   recognised whatever receive list is given (too short, NULL bases, NULL
   lists); a message equal to it goes as it is; TERM over PREFIX on both
   sides with long and empty terminal messages; every errno of term_attach,
   term_done, term_detach, msend and mrecv that can happen.
   Upstream differs (bugs): its TERM lets msend go on after term_done (the
   manual: "it is not possible to send more messages"), takes a message
   that merely starts with the terminal one for it, does not copy a
   received message into the caller's buffer nor check its size against
   it (EMSGSIZE), crashes on skip items longer than the terminal message,
   and crashed on TERM over PREFIX here.  This program fails natively for
   those; term-done-sends-the-terminal-message-and-detach-exchanges-them.c
   is the part both agree on. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

static void expect_raw(int s, const char *bytes) {
    char b[256];
    size_t n = strlen(bytes);
    assert(brecv(s, b, n, now() + 1000) == 0);
    assert(memcmp(b, bytes, n) == 0);
}

static void send_raw(int s, const char *bytes) {
    assert(bsend(s, bytes, strlen(bytes), -1) == 0);
}

static int rc1, err1;
coroutine static void receiver(int s) {
    char b[16];
    rc1 = (int)mrecv(s, b, sizeof(b), -1);
    err1 = errno;
}
coroutine static void detacher(int s) {
    rc1 = term_detach(s, -1);
    err1 = errno;
}
coroutine static void doner(int s) {
    msleep(now() + 1000);   /* canceled meanwhile */
    rc1 = term_done(s, -1);
    err1 = errno;
}
coroutine static void attacher(int s) {
    msleep(now() + 1000);   /* canceled meanwhile */
    rc1 = term_attach(s, "X", 1);
    err1 = errno;
}

int main(void) {
    int p[2];
    char buf[64];
    assert(ipc_pair(p) == 0);
    int m = suffix_attach(p[0], "\n", 1);
    assert(m >= 0);
    int s = term_attach(m, "STOP", 4);
    assert(s >= 0);
    assert(msend(m, "x", 1, -1) == -1 && errno == EBADF);   /* taken over */

    /* Sending (a message equal to the terminal one goes as it is, as
       upstream's: the peer takes it for the end). */
    assert(msend(s, "a", 1, -1) == 0);
    assert(msend(s, "STOPX", 5, -1) == 0);
    assert(msend(s, "STO", 3, -1) == 0);
    struct iolist g2 = {"OP", 2, NULL, 0}, g1 = {"ST", 2, &g2, 0};
    assert(msendl(s, &g1, &g2, -1) == 0);
    assert(term_done(s, -1) == 0);
    expect_raw(p[1], "a\nSTOPX\nSTO\nSTOP\nSTOP\n");
    assert(term_done(s, -1) == -1 && errno == EPIPE);
    assert(msend(s, "b", 1, -1) == -1 && errno == EPIPE);

    /* Receiving, into lists of every shape. */
    send_raw(p[1], "one\nSTOPPED\nST\nhello world\nhi\nlong message\n");
    assert(mrecv(s, buf, sizeof(buf), -1) == 3 && memcmp(buf, "one", 3) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == 7 && memcmp(buf, "STOPPED", 7) == 0);
    assert(mrecv(s, buf, 2, -1) == 2 && memcmp(buf, "ST", 2) == 0);
    char t[10];
    struct iolist n2 = {t, 10, NULL, 0}, n1 = {NULL, 2, &n2, 0};
    assert(mrecvl(s, &n1, &n2, -1) == 11 && memcmp(t, "llo world", 9) == 0);
    assert(n1.iol_base == NULL && n1.iol_len == 2 && n1.iol_next == &n2 && n2.iol_next == NULL);
    struct iolist big = {NULL, 100, NULL, 0};
    assert(mrecvl(s, &big, &big, -1) == 2);
    assert(big.iol_base == NULL && big.iol_len == 100 && big.iol_next == NULL);
    assert(mrecvl(s, NULL, NULL, -1) == 12);
    /* Longer than the list but no longer than the terminal message:
       EMSGSIZE, and the next message is fine. */
    send_raw(p[1], "abc\nok\n");
    assert(mrecv(s, buf, 2, -1) == -1 && errno == EMSGSIZE);
    assert(mrecv(s, buf, 2, -1) == 2 && memcmp(buf, "ok", 2) == 0);
    /* The terminal message, arriving into a short list, a list of NULL
       bases, no list: EPIPE each time, and for good. */
    send_raw(p[1], "STOP\n");
    assert(mrecv(s, buf, 1, -1) == -1 && errno == EPIPE);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    assert(mrecvl(s, NULL, NULL, -1) == -1 && errno == EPIPE);
    /* term_detach returns at once (both terminal messages are done) and the
       SUFFIX socket goes on after the terminal message. */
    send_raw(p[1], "after\n");
    m = term_detach(s, -1);
    assert(m >= 0);
    assert(msend(s, "x", 1, -1) == -1 && errno == EBADF);
    assert(mrecv(m, buf, sizeof(buf), -1) == 5 && memcmp(buf, "after", 5) == 0);

    /* Every shape of list again, for the terminal message itself. */
    struct iolist *lists[][2] = {{&n1, &n2}, {&big, &big}, {NULL, NULL}};
    for(int k = 0; k < 3; k++) {
        s = term_attach(m, "STOP", 4);
        assert(s >= 0);
        send_raw(p[1], "STOP\n");
        assert(mrecvl(s, lists[k][0], lists[k][1], -1) == -1 && errno == EPIPE);
        m = term_detach(s, -1);
        assert(m >= 0);
        expect_raw(p[1], "STOP\n");
    }
    assert(n1.iol_base == NULL && n1.iol_len == 2 && big.iol_base == NULL && big.iol_len == 100);

    /* term_detach sends ours and drops the peer's messages up to its own. */
    s = term_attach(m, "bye", 3);
    assert(s >= 0);
    send_raw(p[1], "dropped\nalso dropped\nbye\nnext\n");
    m = term_detach(s, -1);
    assert(m >= 0);
    expect_raw(p[1], "bye\n");
    assert(mrecv(m, buf, sizeof(buf), -1) == 4 && memcmp(buf, "next", 4) == 0);

    /* ETIMEDOUT from term_detach (the peer never answers): closed. */
    s = term_attach(m, "bye", 3);
    assert(s >= 0);
    assert(term_detach(s, now() + 30) == -1 && errno == ETIMEDOUT);
    assert(term_done(s, -1) == -1 && errno == EBADF);
    expect_raw(p[1], "bye\n");
    assert(brecv(p[1], buf, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);

    /* TERM over PREFIX on both sides; an empty terminal message, then one
       longer than what the object holds inline; term_attach_mem. */
    assert(ipc_pair(p) == 0);
    int a = prefix_attach(p[0], 2, PREFIX_BIG_ENDIAN);
    int b = prefix_attach(p[1], 2, PREFIX_BIG_ENDIAN);
    char longmsg[100];
    memset(longmsg, 'L', sizeof(longmsg));
    for(int k = 0; k < 3; k++) {
        struct term_storage mem;
        const char *tm = k == 0 ? "" : longmsg;
        size_t tl = k == 0 ? 0 : 100;
        int ta = k == 2 ? term_attach_mem(a, tm, tl, &mem) : term_attach(a, tm, tl);
        int tb = term_attach(b, tm, tl);
        assert(ta >= 0 && tb >= 0);
        assert(msend(ta, "m1", 2, -1) == 0);
        assert(msend(ta, longmsg, 99, -1) == 0);
        assert(term_done(ta, -1) == 0);
        assert(msend(tb, "reply", 5, -1) == 0);   /* b can still send */
        assert(mrecv(tb, buf, sizeof(buf), -1) == 2);
        static char lb[200];
        assert(mrecv(tb, lb, sizeof(lb), -1) == 99);
        assert(mrecv(tb, lb, sizeof(lb), -1) == -1 && errno == EPIPE);
        int h = go(detacher(ta));   /* drops "reply", waits for b's */
        b = term_detach(tb, -1);
        assert(b >= 0);
        assert(bundle_wait(h, now() + 1000) == 0 && rc1 >= 0 && hclose(h) == 0);
        a = rc1;
        /* The PREFIX sockets go on. */
        assert(msend(a, "plain", 5, -1) == 0);
        assert(mrecv(b, buf, sizeof(buf), -1) == 5);
    }

    assert(hclose(a) == 0 && hclose(b) == 0);

    /* Errors of term_attach: as upstream's, a failed attach closes the
       socket it was given (ECANCELED, before anything, leaves it). */
    assert(term_attach(-1, "X", 1) == -1 && errno == EBADF);
    for(int k = 0; k < 2; k++) {
        int q[2];
        assert(ipc_pair(q) == 0);
        int x = prefix_attach(q[0], 1, 0);
        assert(x >= 0);
        if(k == 0) assert(term_attach(x, NULL, 1) == -1 && errno == EINVAL);
        else assert(term_attach(x, "X", (size_t)-1) == -1 && errno == EINVAL);
        assert(msend(x, "x", 1, -1) == -1 && errno == EBADF);
        assert(hclose(q[1]) == 0);
    }
    int ch[2];
    assert(chmake(ch) == 0);
    assert(term_attach(ch[0], "X", 1) == -1 && errno == EPROTO);
    assert(hclose(ch[0]) == -1 && errno == EBADF);
    assert(hclose(ch[1]) == 0);
    assert(ipc_pair(p) == 0);
    a = prefix_attach(p[0], 1, 0);
    assert(a >= 0);
    int h = go(attacher(a));
    assert(hclose(h) == 0 && rc1 == -1 && err1 == ECANCELED);
    assert(msend(a, "mine", 4, -1) == 0);
    expect_raw(p[1], "\x04mine");
    /* ENOTSUP: a handle that is not a message socket is EPROTO instead.
       EMFILE/ENFILE: no descriptor is opened.  ETIMEDOUT: term_attach has no
       deadline (there is no handshake at the start).  ENOMEM:
       term-stacking-tcp-udp-http-and-enomem.c. */

    /* Errors of term_done and term_detach: EBADF, ENOTSUP, ECANCELED in a
       canceled coroutine and for term_detach canceled while it waits (the
       socket is then closed). */
    assert(term_done(-1, -1) == -1 && errno == EBADF);
    assert(term_detach(-1, -1) == -1 && errno == EBADF);
    assert(term_done(a, -1) == -1 && errno == ENOTSUP);
    assert(term_detach(a, -1) == -1 && errno == ENOTSUP);
    s = term_attach(a, "T", 1);
    assert(s >= 0);
    h = go(doner(s));
    assert(hclose(h) == 0 && rc1 == -1 && err1 == ECANCELED);
    h = go(detacher(s));
    expect_raw(p[1], "\x01T");
    assert(hclose(h) == 0 && rc1 == -1 && err1 == ECANCELED);
    assert(term_done(s, -1) == -1 && errno == EBADF);   /* closed */
    assert(brecv(p[1], buf, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);

    /* ETIMEDOUT from term_done: the peer does not read. */
    assert(ipc_pair(p) == 0);
    static char fill[256 * 1024];
    assert(bsend(p[0], fill, sizeof(fill), -1) == 0);
    s = term_attach(prefix_attach(p[0], 4, 0), "T", 1);
    assert(s >= 0);
    assert(term_done(s, now() + 20) == -1 && errno == ETIMEDOUT);
    assert(term_done(s, now() + 20) == -1 && errno == ECONNRESET);
    assert(hclose(s) == 0 && hclose(p[1]) == 0);

    /* EBUSY: term_detach and mrecv while another coroutine receives;
       ECANCELED for that receiver; the peer closing without a terminal
       message is ECONNRESET, not EPIPE. */
    assert(ipc_pair(p) == 0);
    s = term_attach(prefix_attach(p[0], 1, 0), "T", 1);
    assert(s >= 0);
    h = go(receiver(s));
    assert(mrecv(s, buf, sizeof(buf), 0) == -1 && errno == EBUSY);
    assert(hclose(h) == 0 && rc1 == -1 && err1 == ECANCELED);
    assert(hclose(s) == 0 && hclose(p[1]) == 0);
    assert(ipc_pair(p) == 0);
    s = term_attach(prefix_attach(p[0], 1, 0), "T", 1);
    h = go(receiver(s));
    assert(term_detach(s, -1) == -1 && errno == EBUSY);
    assert(bundle_wait(h, now() + 1000) == 0 && rc1 == -1 && err1 == EBADF);
    assert(hclose(h) == 0 && hclose(p[1]) == 0);
    assert(ipc_pair(p) == 0);
    s = term_attach(prefix_attach(p[0], 1, 0), "T", 1);
    assert(bsend(p[1], "\x01x", 2, -1) == 0 && ipc_done(p[1], -1) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == 1);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
    assert(term_detach(s, -1) == -1 && errno == ECONNRESET);
    assert(hclose(p[1]) == 0);
    return 0;
}
