/* SUFFIX over ipc_pair: messages end with "\r\n" on the wire (the peer reads
   them raw with brecv and writes raw with bsend); msendl/mrecvl gather and
   scatter, skip with NULL bases, drop with NULL lists; suffix_detach hands
   back the bytestream positioned right after the last delimiter received;
   attach takes over the handle; every errno of suffix_attach, suffix_detach,
   msend and mrecv that can happen here. */
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

    /* Messages that the peer would split: EINVAL, nothing sent. */
    assert(msend(s, "a\r\nb", 4, -1) == -1 && errno == EINVAL);
    struct iolist c2 = {"\nb", 2, NULL, 0}, c1 = {"a\r", 2, &c2, 0};
    assert(msendl(s, &c1, &c2, -1) == -1 && errno == EINVAL);
    struct iolist n1 = {NULL, 3, NULL, 0};
    assert(msendl(s, &n1, &n1, -1) == -1 && errno == EINVAL);
    assert(msend(s, NULL, 1, -1) == -1 && errno == EINVAL);
    assert(msendl(s, &g1, &g1, -1) == -1 && errno == EINVAL);   /* malformed */
    g1.iol_rsvd = 1;
    assert(msendl(s, &g1, &g3, -1) == -1 && errno == EINVAL);
    g1.iol_rsvd = 0;
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
    char a[2], b[3], c[4];
    struct iolist r4 = {c, 4, NULL, 0}, r3 = {NULL, 3, &r4, 0}, r2 = {b, 0, &r3, 0},
        r1 = {a, 2, &r2, 0};
    assert(mrecvl(s, &r1, &r4, -1) == 9);
    assert(memcmp(a, "fo", 2) == 0 && memcmp(c, "five", 4) == 0);
    assert(r4.iol_next == NULL && r1.iol_next == &r2);
    /* NULL lists: the message is received and dropped, its size returned. */
    assert(bsend(p[1], "dropped message\r\n", 17, -1) == 0);
    assert(mrecvl(s, NULL, NULL, -1) == 15);
    assert(mrecv(s, NULL, 1, -1) == -1 && errno == EINVAL);
    assert(mrecvl(s, &r1, &r1, -1) == -1 && errno == EINVAL);
    assert(mrecvl(s, &r1, NULL, -1) == -1 && errno == EINVAL);

    /* EBUSY: another coroutine is receiving. */
    int h = go(receiver(s));
    assert(h >= 0);
    assert(mrecv(s, buf, sizeof(buf), 0) == -1 && errno == EBUSY);
    assert(bsend(p[1], "late\r\n", 6, -1) == 0);
    assert(bundle_wait(h, now() + 1000) == 0);
    assert(rc1 == 4 && hclose(h) == 0);

    /* suffix_detach: the bytes after the last delimiter are still there. */
    assert(bsend(p[1], "last\r\nRAW", 9, -1) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == 4 && memcmp(buf, "last", 4) == 0);
    int u = suffix_detach(s, -1);
    assert(u >= 0);
    assert(msend(s, "x", 1, -1) == -1 && errno == EBADF);
    expect_raw(u, "RAW");
    assert(bsend(u, "back", 4, -1) == 0);
    expect_raw(p[1], "back");

    /* Errors of suffix_detach. */
    assert(suffix_detach(-1, -1) == -1 && errno == EBADF);
    assert(suffix_detach(u, -1) == -1 && errno == ENOTSUP);   /* not SUFFIX */
    assert(bsend(u, "ok", 2, -1) == 0);   /* ... and left alone */
    expect_raw(p[1], "ok");

    /* Errors of suffix_attach leave the socket with the caller. */
    assert(suffix_attach(-1, "\n", 1) == -1 && errno == EBADF);
    assert(suffix_attach(12345, "\n", 1) == -1 && errno == EBADF);
    assert(suffix_attach(u, NULL, 1) == -1 && errno == EINVAL);
    assert(suffix_attach(u, "\n", 0) == -1 && errno == EINVAL);
    char big[33];
    memset(big, '-', sizeof(big));
    assert(suffix_attach(u, big, 33) == -1 && errno == EINVAL);
    int ch[2];
    assert(chmake(ch) == 0);
    assert(suffix_attach(ch[0], "\n", 1) == -1 && errno == EPROTO);
    assert(chsend(ch[0], "", 0, 0) == -1 && errno == ETIMEDOUT);   /* still there */
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    /* A message socket is not a bytestream either. */
    struct ipaddr la;
    assert(ipaddr_local(&la, "127.0.0.1", 0, 0) == 0);
    int us = udp_open(&la, NULL);
    assert(us >= 0);
    assert(suffix_attach(us, "\n", 1) == -1 && errno == EPROTO);
    assert(hclose(us) == 0);
    /* ENOTSUP cannot come from suffix_attach: a handle that is not a
       bytestream gives EPROTO.  EMFILE/ENFILE: no descriptor is opened.
       ENOMEM: suffix-attach-fails-with-enomem-and-leaves-the-socket.c. */

    /* 32-byte delimiter, the longest; suffix_attach_mem. */
    struct suffix_storage mem;
    memset(big, '=', 32);
    s = suffix_attach_mem(u, big, 32, &mem);
    assert(s >= 0);
    assert(msend(s, "m", 1, -1) == 0);
    expect_raw(p[1], "m" EQ32);
    assert(bsend(p[1], "n" EQ32, 33, -1) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == 1 && buf[0] == 'n');

    /* EMSGSIZE; the rest of the message is unread, so the receiving
       direction is then unusable and detach fails with ECONNRESET (and
       closes the socket). */
    assert(bsend(p[1], "toolong" EQ32, 39, -1) == 0);
    assert(mrecv(s, buf, 3, -1) == -1 && errno == EMSGSIZE);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
    assert(msend(s, "still", 5, -1) == 0);   /* the other direction works */
    expect_raw(p[1], "still" EQ32);
    assert(suffix_detach(s, -1) == -1 && errno == ECONNRESET);
    /* Closed, with the message's last bytes unread: the peer sees a reset. */
    char x;
    assert(brecv(p[1], &x, 1, now() + 1000) == -1 && errno == ECONNRESET);
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
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    /* Detach works after EOF: the bytestream reports it too. */
    u = suffix_detach(s, -1);
    assert(u >= 0);
    assert(brecv(u, &x, 1, -1) == -1 && errno == EPIPE);
    assert(hclose(u) == 0);
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

    /* EBUSY from suffix_detach while a coroutine receives: the socket is
       closed and the receiver wakes with EBADF. */
    assert(ipc_pair(p) == 0);
    s = suffix_attach(p[0], "\n", 1);
    assert(s >= 0);
    h = go(receiver(s));
    assert(suffix_detach(s, -1) == -1 && errno == EBUSY);
    assert(bundle_wait(h, now() + 1000) == 0);
    assert(rc1 == -1 && err1 == EBADF);
    assert(hclose(h) == 0);
    assert(msend(s, "x", 1, -1) == -1 && errno == EBADF);
    assert(brecv(p[1], &x, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);

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
