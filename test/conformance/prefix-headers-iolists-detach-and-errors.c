/* PREFIX over ipc_pair against a raw peer (bsend/brecv on the other end):
   the header bytes for every length 1-8 in both byte orders, the largest
   message each can carry (an all-0xff header is a size like any other:
   there is no terminal handshake on the wire); msendl and mrecvl with
   gather/scatter lists, NULL bases and NULL lists; oversized sizes
   announced by the peer; prefix_detach handing the socket back at once,
   unread messages left in it; a direction whose call failed staying
   broken (ECONNRESET), as upstream's; every errno of prefix_attach,
   prefix_detach, msend and mrecv that can happen, a failed attach closing
   the socket as upstream's does.  Where ours differs from upstream (a
   message too large for the header, a header over 8 bytes, detaching under
   a running call), see prefix-*-fails-with-*.c. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "libdill.h"

static void expect_raw(int s, const void *bytes, size_t n) {
    static char b[70000];
    assert(n <= sizeof(b));
    assert(brecv(s, b, n, now() + 1000) == 0);
    assert(memcmp(b, bytes, n) == 0);
}

/* The header of `size` as PREFIX puts it on the wire. */
static void header(uint8_t *h, size_t hdrlen, int flags, uint64_t size) {
    for(size_t i = 0; i < hdrlen; i++)
        h[flags == PREFIX_LITTLE_ENDIAN ? i : hdrlen - 1 - i] = (uint8_t)(size >> (8 * i));
}

static int rc1, err1;
coroutine static void receiver(int s) {
    char b[16];
    rc1 = (int)mrecv(s, b, sizeof(b), -1);
    err1 = errno;
}
coroutine static void detacher(int s) {
    msleep(-1);   /* until canceled */
    rc1 = prefix_detach(s);
    err1 = errno;
}

int main(void) {
    int p[2];
    uint8_t h[8];
    static char payload[65536], in[65536];
    for(size_t i = 0; i < sizeof(payload); i++) payload[i] = (char)(i * 7);
    char buf[300];

    assert(ipc_pair(p) == 0);
    int u = p[0];
    for(size_t hdrlen = 1; hdrlen <= 8; hdrlen++) {
        for(int flags = 0; flags <= 1; flags++) {
            int s = prefix_attach(u, hdrlen, flags);
            assert(s >= 0);
            assert(bsend(u, "x", 1, -1) == -1 && errno == EBADF);   /* taken over */
            /* Sizes whose bytes differ, so that the order shows. */
            size_t sizes[] = {0, 3, 254, 258, 65534};
            for(int k = 0; k < 5; k++) {
                size_t n = sizes[k];
                if(hdrlen == 1 && n > 254) continue;
                assert(msend(s, payload, n, -1) == 0);
                header(h, hdrlen, flags, n);
                expect_raw(p[1], h, hdrlen);
                expect_raw(p[1], payload, n);
                /* And what the peer writes raw comes out as messages. */
                assert(bsend(p[1], h, hdrlen, -1) == 0);
                assert(bsend(p[1], payload, n, -1) == 0);
                assert(mrecv(s, in, sizeof(in), -1) == (ssize_t)n);
                assert(memcmp(in, payload, n) == 0);
            }
            /* The largest size the header can count, all 0xff. */
            if(hdrlen <= 2) {
                size_t max = hdrlen == 1 ? 255 : 65535;
                static char big[65536];
                memset(big, 'm', sizeof(big));
                assert(msend(s, big, max, -1) == 0);
                memset(h, 0xff, 8);
                expect_raw(p[1], h, hdrlen);
                expect_raw(p[1], big, max);
                assert(bsend(p[1], h, hdrlen, -1) == 0);
                assert(bsend(p[1], big, max, -1) == 0);
                assert(mrecv(s, in, sizeof(in), -1) == (ssize_t)max);
                assert(memcmp(in, big, max) == 0);
            }
            /* prefix_detach sends nothing and reads nothing. */
            assert(bsend(p[1], "RAW", 3, -1) == 0);
            u = prefix_detach(s);
            assert(u >= 0);
            assert(bsend(u, "back", 4, -1) == 0);
            expect_raw(p[1], "back", 4);
            expect_raw(u, "RAW", 3);
        }
    }

    /* Messages not received yet stay in the socket handed back. */
    int s = prefix_attach(u, 2, PREFIX_LITTLE_ENDIAN);
    assert(s >= 0);
    assert(msend(s, "out", 3, -1) == 0);
    assert(bsend(p[1], "\x03\x00" "abc" "\xff\xff" "after", 12, -1) == 0);
    u = prefix_detach(s);
    assert(u >= 0);
    expect_raw(p[1], "\x03\x00" "out", 5);
    expect_raw(u, "\x03\x00" "abc" "\xff\xff" "after", 12);

    /* Gather and scatter. */
    s = prefix_attach(u, 4, PREFIX_BIG_ENDIAN);
    assert(s >= 0);
    struct iolist g3 = {"ghij", 4, NULL, 0}, g2 = {NULL, 0, &g3, 0}, g1 = {"abcdef", 6, &g2, 0};
    assert(msendl(s, &g1, &g3, -1) == 0);
    assert(g3.iol_next == NULL);
    expect_raw(p[1], "\x00\x00\x00\x0a" "abcdefghij", 14);
    /* A list whose last item is not the end: refused before anything. */
    assert(msendl(s, &g1, &g1, -1) == -1 && errno == EINVAL);
    char a[3], b[4], c[10];
    struct iolist r4 = {c, 10, NULL, 0}, r3 = {NULL, 2, &r4, 0}, r2 = {b, 4, &r3, 0},
        r1 = {a, 3, &r2, 0};
    assert(bsend(p[1], "\x00\x00\x00\x0b" "0123456789A", 15, -1) == 0);
    memset(c, '-', sizeof(c));
    assert(mrecvl(s, &r1, &r4, -1) == 11);
    assert(memcmp(a, "012", 3) == 0 && memcmp(b, "3456", 4) == 0);
    assert(memcmp(c, "9A--------", 10) == 0);
    /* The list is as it was. */
    assert(r1.iol_next == &r2 && r2.iol_next == &r3 && r3.iol_next == &r4 && r4.iol_next == NULL);
    assert(r1.iol_len == 3 && r2.iol_len == 4 && r3.iol_len == 2 && r4.iol_len == 10);
    /* A message ending inside an item (one ending on a boundary crashes
       upstream: prefix-mrecvl-message-ending-where-an-item-ends.c). */
    assert(bsend(p[1], "\x00\x00\x00\x02" "xy", 6, -1) == 0);
    assert(mrecvl(s, &r1, &r4, -1) == 2 && memcmp(a, "xy2", 3) == 0);
    assert(r1.iol_len == 3 && r1.iol_next == &r2);
    /* NULL lists drop the message and return its size. */
    assert(bsend(p[1], "\x00\x00\x00\x05" "hello" "\x00\x00\x00\x00", 13, -1) == 0);
    assert(mrecvl(s, NULL, NULL, -1) == 5);
    assert(mrecvl(s, NULL, NULL, -1) == 0);
    assert(mrecvl(s, &r1, NULL, -1) == -1 && errno == EINVAL);
    assert(mrecvl(s, &r1, &r1, -1) == -1 && errno == EINVAL);
    /* mrecv(s, NULL, n) drops a message of at most n bytes. */
    assert(bsend(p[1], "\x00\x00\x00\x02" "hi", 6, -1) == 0);
    assert(mrecv(s, NULL, 2, -1) == 2);
    assert(bsend(s, "x", 1, -1) == -1 && errno == ENOTSUP);   /* not a bytestream */

    /* A second call while one runs: prefix-a-second-call-while-one-runs-
       fails-with-ebusy-and-breaks-that-direction.c. */
    char x;
    int cr;

    /* Oversized sizes from the peer: EMSGSIZE, then the receiving direction
       is unusable (the payload was not read) and so is prefix_detach. */
    assert(bsend(p[1], "\x00\x00\x01\x00", 4, -1) == 0);   /* 256 > 16 */
    assert(mrecv(s, buf, 16, -1) == -1 && errno == EMSGSIZE);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
    assert(msend(s, "y", 1, -1) == 0);   /* the other direction is fine */
    expect_raw(p[1], "\x00\x00\x00\x01y", 5);
    assert(prefix_detach(s) == -1 && errno == ECONNRESET);
    assert(msend(s, "y", 1, -1) == -1 && errno == EBADF);   /* closed */
    assert(brecv(p[1], &x, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);
    const char *huge[] = {
        "\x00\x00\x01\x00\x00\x00\x00\x00",   /* 2^40 */
        "\x7f\xff\xff\xff\xff\xff\xff\xff",
        "\xff\xff\xff\xff\xff\xff\xff\xff",
    };
    for(int k = 0; k < 3; k++) {
        assert(ipc_pair(p) == 0);
        s = prefix_attach(p[0], 8, PREFIX_BIG_ENDIAN);
        assert(s >= 0);
        assert(bsend(p[1], huge[k], 8, -1) == 0);
        assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == EMSGSIZE);
        assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
        assert(hclose(s) == 0 && hclose(p[1]) == 0);
    }

    /* The peer closes: EPIPE, at a boundary or inside a message; receiving
       is broken from then on, and prefix_detach fails, closing the socket. */
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 1, 0);
    assert(s >= 0);
    assert(bsend(p[1], "\x01" "a", 2, -1) == 0);
    assert(ipc_done(p[1], -1) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == 1);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
    assert(prefix_detach(s) == -1 && errno == ECONNRESET);
    assert(msend(s, "y", 1, -1) == -1 && errno == EBADF);
    assert(hclose(p[1]) == 0);
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 1, 0);
    assert(s >= 0);
    assert(bsend(p[1], "\x0a" "abc", 4, -1) == 0);
    assert(ipc_done(p[1], -1) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
    assert(hclose(s) == 0 && hclose(p[1]) == 0);

    /* ETIMEDOUT, then ECONNRESET; hclose closes the underlying socket. */
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 2, 0);
    assert(s >= 0);
    assert(mrecv(s, buf, sizeof(buf), now() + 20) == -1 && errno == ETIMEDOUT);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
    assert(hclose(s) == 0);
    assert(brecv(p[1], &x, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);

    /* ECANCELED in mrecv; prefix_detach, which never blocks, still works
       in a canceled coroutine. */
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 2, 0);
    assert(s >= 0);
    cr = go(receiver(s));
    assert(hclose(cr) == 0 && rc1 == -1 && err1 == ECANCELED);
    assert(mrecv(s, buf, sizeof(buf), 0) == -1 && errno == ECONNRESET);
    assert(hclose(s) == 0 && hclose(p[1]) == 0);
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 2, 0);
    assert(s >= 0);
    cr = go(detacher(s));
    assert(hclose(cr) == 0 && rc1 >= 0);
    assert(bsend(rc1, "ok", 2, -1) == 0);
    expect_raw(p[1], "ok", 2);
    assert(hclose(rc1) == 0);
    assert(hclose(p[1]) == 0);

    /* Both sides PREFIX: each detaches at once, the other's message still
       unread in its socket. */
    assert(ipc_pair(p) == 0);
    struct prefix_storage mem;
    int s0 = prefix_attach_mem(p[0], 3, PREFIX_LITTLE_ENDIAN, &mem);
    int s1 = prefix_attach(p[1], 3, PREFIX_LITTLE_ENDIAN);
    assert(s0 >= 0 && s1 >= 0);
    assert(msend(s0, "to s1", 5, -1) == 0);
    assert(msend(s1, "to s0", 5, -1) == 0);
    int u0 = prefix_detach(s0);
    int u1 = prefix_detach(s1);
    assert(u0 >= 0 && u1 >= 0);
    expect_raw(u0, "\x05\x00\x00" "to s0", 8);
    expect_raw(u1, "\x05\x00\x00" "to s1", 8);

    /* Errors of prefix_detach and prefix_attach.  A failed attach closes
       the socket it was given, as upstream's. */
    assert(prefix_detach(-1) == -1 && errno == EBADF);
    assert(prefix_detach(u1) == -1 && errno == ENOTSUP);
    assert(prefix_attach(-1, 4, 0) == -1 && errno == EBADF);
    assert(prefix_attach(u1, 0, 0) == -1 && errno == EINVAL);
    assert(bsend(u1, "x", 1, -1) == -1 && errno == EBADF);
    assert(brecv(u0, &x, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(u0) == 0);
    assert(ipc_pair(p) == 0);
    assert(prefix_attach_mem(p[0], 0, 0, &mem) == -1 && errno == EINVAL);
    assert(bsend(p[0], "x", 1, -1) == -1 && errno == EBADF);
    assert(hclose(p[1]) == 0);
    /* Flags: only PREFIX_LITTLE_ENDIAN's bit counts. */
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 2, 2);
    assert(s >= 0);
    assert(msend(s, "b", 1, -1) == 0);
    expect_raw(p[1], "\x00\x01" "b", 3);
    assert(hclose(s) == 0 && hclose(p[1]) == 0);
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 2, -1);
    assert(s >= 0);
    assert(msend(s, "l", 1, -1) == 0);
    expect_raw(p[1], "\x01\x00" "l", 3);
    assert(hclose(s) == 0 && hclose(p[1]) == 0);
    int ch[2];
    assert(chmake(ch) == 0);
    assert(prefix_attach(ch[0], 4, 0) == -1 && errno == EPROTO);
    assert(hclose(ch[0]) == -1 && errno == EBADF);
    assert(hclose(ch[1]) == 0);
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 4, 0);
    assert(s >= 0);
    assert(msend(s, "", 0, -1) == 0);
    expect_raw(p[1], "\0\0\0\0", 4);
    assert(prefix_attach(s, 4, 0) == -1 && errno == EPROTO);   /* a message socket */
    assert(msend(s, "", 0, -1) == -1 && errno == EBADF);
    assert(brecv(p[1], &x, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);
    /* ENOTSUP cannot come from prefix_attach (a handle that is not a
       bytestream is EPROTO); EMFILE/ENFILE: no descriptor is opened;
       ENOMEM: prefix-stacking-...-and-enomem.c. */
    return 0;
}
