/* SUFFIX over ipc_pair: messages end with "\r\n" on the wire (the peer reads
   them raw with brecv and writes raw with bsend); msendl/mrecvl gather and
   gather, drop with mrecv(s, NULL, n); suffix_detach hands
   back the bytestream positioned right after the last delimiter received;
   attach takes over the handle (and, failing, closes it, as upstream's); a
   message containing the delimiter goes as it is, as upstream's; a
   direction whose call failed (EPIPE and EBUSY included) stays broken
   (ECONNRESET); every errno of suffix_attach, suffix_detach, msend and
   mrecv that can happen here.  Where ours differs from upstream (a message
   longer than the buffer, detaching under a receive):
   suffix-*-fails-with-*.c. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

#define EQ32 "================================"
_Static_assert(sizeof(EQ32) == 33, "32 bytes");

static int rc1, err1;

coroutine static void receiver(int s) {
    char b[16];
    rc1 = (int)mrecv(s, b, sizeof(b), -1);
    err1 = errno;
}

static void expect_raw(int s, const char *bytes) {
    char b[256];
    size_t n = strlen(bytes);
    assert(brecv(s, b, n, now() + 1000) == 0);
    assert(memcmp(b, bytes, n) == 0);
}

int main(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int s = suffix_attach(p[0], "\r\n", 2);
    assert(s >= 0);
    /* The old number is gone: the protocol owns the socket. */
    assert(bsend(p[0], "x", 1, -1) == -1 && errno == EBADF);
    /* A message socket, not a bytestream. */
    assert(bsend(s, "x", 1, -1) == -1 && errno == ENOTSUP);

    /* Sending: message then delimiter. */
    assert(msend(s, "hello", 5, -1) == 0);
    assert(msend(s, "", 0, -1) == 0);
    assert(msend(s, NULL, 0, -1) == 0);
    struct iolist g3 = {"!", 1, NULL, 0}, g2 = {"", 0, &g3, 0}, g1 = {"abc", 3, &g2, 0};
    assert(msendl(s, &g1, &g3, -1) == 0);
    assert(g3.iol_next == NULL);   /* the list is restored */
    expect_raw(p[1], "hello\r\n\r\n\r\nabc!\r\n");

    /* The delimiter inside a message goes as it is: the peer receives two. */
    assert(msend(s, "a\r\nb", 4, -1) == 0);
    expect_raw(p[1], "a\r\nb\r\n");
    assert(msendl(s, &g1, &g1, -1) == -1 && errno == EINVAL);   /* malformed */
    /* A lone "\r" or "\n" is data. */
    assert(msend(s, "a\rb\nc\r", 6, -1) == 0);
    expect_raw(p[1], "a\rb\nc\r\r\n");

    /* Receiving what the peer wrote raw, in odd pieces. */
    assert(bsend(p[1], "one\r", 4, -1) == 0);
    assert(bsend(p[1], "\ntwo\r\r\n\r\n", 9, -1) == 0);
    assert(bsend(p[1], "th\rree\n\r\nfour-five\r\n", 20, -1) == 0);
    char buf[64];
    assert(mrecv(s, buf, sizeof(buf), -1) == 3 && memcmp(buf, "one", 3) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == 4 && memcmp(buf, "two\r", 4) == 0);
    assert(mrecv(s, buf, 0, -1) == 0);   /* empty message, empty buffer */
    assert(mrecv(s, buf, 7, -1) == 7 && memcmp(buf, "th\rree\n", 7) == 0);
    /* (Scatter into several items: upstream fills the first one only;
       msock-skip-items-and-null-lists-work-on-every-message-socket.c.) */
    assert(mrecv(s, buf, sizeof(buf), -1) == 9 && memcmp(buf, "four-five", 9) == 0);
    struct iolist r2 = {buf + 2, 2, NULL, 0}, r1 = {buf, 2, &r2, 0};
    /* (NULL lists: upstream crashes; msock-skip-items-and-null-lists-...) */
    /* mrecv(s, NULL, n): one message of at most n bytes dropped. */
    assert(bsend(p[1], "xy\r\n", 4, -1) == 0);
    assert(mrecv(s, NULL, 2, -1) == 2);
    assert(mrecvl(s, &r1, &r1, -1) == -1 && errno == EINVAL);
    assert(mrecvl(s, &r1, NULL, -1) == -1 && errno == EINVAL);

    /* suffix_detach: the bytes after the last delimiter are still there. */
    assert(bsend(p[1], "last\r\nRAW", 9, -1) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == 4 && memcmp(buf, "last", 4) == 0);
    int u = suffix_detach(s, -1);
    assert(u >= 0);
    expect_raw(u, "RAW");
    assert(bsend(u, "back", 4, -1) == 0);
    expect_raw(p[1], "back");

    /* Errors of suffix_detach. */
    assert(suffix_detach(-1, -1) == -1 && errno == EBADF);
    int chx[2];
    assert(chmake(chx) == 0);
    assert(suffix_detach(chx[0], -1) == -1 && errno == ENOTSUP);   /* not SUFFIX */
    hclose(chx[0]);   /* (upstream closes it, ours leaves it) */
    assert(hclose(chx[1]) == 0);

    /* Errors of suffix_attach: a failed attach closes the socket. */
    assert(suffix_attach(-1, "\n", 1) == -1 && errno == EBADF);
    assert(suffix_attach(12345, "\n", 1) == -1 && errno == EBADF);
    char big[33];
    memset(big, '-', sizeof(big));
    for(int k = 0; k < 3; k++) {
        int q[2];
        assert(ipc_pair(q) == 0);
        if(k == 0) assert(suffix_attach(q[0], NULL, 1) == -1 && errno == EINVAL);
        if(k == 1) assert(suffix_attach(q[0], "\n", 0) == -1 && errno == EINVAL);
        if(k == 2) assert(suffix_attach(q[0], big, 33) == -1 && errno == EINVAL);
        assert(bsend(q[0], "x", 1, -1) == -1 && errno == EBADF);
        assert(brecv(q[1], &big[0], 1, now() + 1000) == -1 && errno == EPIPE);
        assert(hclose(q[1]) == 0);
    }
    int ch[2];
    assert(chmake(ch) == 0);
    assert(suffix_attach(ch[0], "\n", 1) == -1 && errno == EPROTO);
    assert(hclose(ch[0]) == -1 && errno == EBADF);
    assert(hclose(ch[1]) == 0);
    /* A message socket is not a bytestream either. */
    struct ipaddr la;
    assert(ipaddr_local(&la, "127.0.0.1", 0, 0) == 0);
    int us = udp_open(&la, NULL);
    assert(us >= 0);
    assert(suffix_attach(us, "\n", 1) == -1 && errno == EPROTO);
    assert(hclose(us) == -1 && errno == EBADF);
    /* ENOTSUP cannot come from suffix_attach: a handle that is not a
       bytestream gives EPROTO.  EMFILE/ENFILE: no descriptor is opened. */

    /* 32-byte delimiter, the longest; suffix_attach_mem. */
    struct suffix_storage mem;
    memset(big, '=', 32);
    s = suffix_attach_mem(u, big, 32, &mem);
    assert(s >= 0);
    assert(msend(s, "m", 1, -1) == 0);
    expect_raw(p[1], "m" EQ32);
    assert(bsend(p[1], "n" EQ32, 33, -1) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == 1 && buf[0] == 'n');

    /* A second receive while one runs: EBUSY, and receiving is broken from
       then on; detach then fails with ECONNRESET and closes the socket. */
    int h = go(receiver(s));
    assert(h >= 0);
    assert(mrecv(s, buf, sizeof(buf), 0) == -1 && errno == EBUSY);
    assert(bsend(p[1], "late" EQ32, 36, -1) == 0);
    assert(bundle_wait(h, now() + 1000) == 0);
    assert(rc1 == 4 && hclose(h) == 0);
    assert(mrecv(s, buf, sizeof(buf), 0) == -1 && errno == ECONNRESET);
    assert(msend(s, "still", 5, -1) == 0);   /* the other direction works */
    expect_raw(p[1], "still" EQ32);
    assert(suffix_detach(s, -1) == -1 && errno == ECONNRESET);
    char x;
    assert(brecv(p[1], &x, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);

    /* ETIMEDOUT, then ECONNRESET. */
    assert(ipc_pair(p) == 0);
    s = suffix_attach(p[0], "\n", 1);
    assert(s >= 0);
    assert(bsend(p[1], "partial", 7, -1) == 0);
    assert(mrecv(s, buf, sizeof(buf), now() + 30) == -1 && errno == ETIMEDOUT);
    assert(mrecv(s, buf, sizeof(buf), now() + 30) == -1 && errno == ECONNRESET);
    /* hclose of the protocol closes the underlying socket. */
    assert(hclose(s) == 0);
    assert(brecv(p[1], &x, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);

    /* EPIPE when the peer closes: at a boundary, and inside a message. */
    assert(ipc_pair(p) == 0);
    s = suffix_attach(p[0], "\n", 1);
    assert(s >= 0);
    assert(bsend(p[1], "a\nb", 3, -1) == 0);
    assert(ipc_done(p[1], -1) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == 1 && buf[0] == 'a');
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
    assert(suffix_detach(s, -1) == -1 && errno == ECONNRESET);
    /* ECONNRESET from the bytestream (the peer closed with unread data). */
    assert(hclose(p[1]) == 0);
    assert(ipc_pair(p) == 0);
    s = suffix_attach(p[0], "\n", 1);
    assert(s >= 0);
    assert(msend(s, "unread", 6, -1) == 0);
    assert(hclose(p[1]) == 0);
    assert(mrecv(s, buf, sizeof(buf), now() + 1000) == -1 && errno == ECONNRESET);
    assert(msend(s, "more", 4, now() + 1000) == -1 && errno == ECONNRESET);
    assert(msend(s, "more", 4, now() + 1000) == -1 && errno == ECONNRESET);
    assert(suffix_detach(s, -1) == -1 && errno == ECONNRESET);

    /* ECANCELED: a receiving coroutine is canceled. */
    assert(ipc_pair(p) == 0);
    s = suffix_attach(p[0], "\n", 1);
    assert(s >= 0);
    h = go(receiver(s));
    assert(hclose(h) == 0);
    assert(rc1 == -1 && err1 == ECANCELED);
    assert(hclose(s) == 0);
    assert(hclose(p[1]) == 0);
    return 0;
}
