/* PREFIX over ipc_pair against a raw peer (bsend/brecv on the other end):
   the header bytes for every length 1-8 in both byte orders, the largest
   message each can carry (all 0xff is the terminal handshake); msendl and
   mrecvl with gather/scatter lists, NULL bases and NULL lists; oversized
   sizes announced by the peer; the terminal handshake of prefix_detach in
   both directions, leaving the bytes after it intact; every errno of
   prefix_attach, prefix_detach, msend and mrecv that can happen. */
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
coroutine static void big_sender(int s, size_t n) {
    void *b = calloc(1, n);
    rc1 = msend(s, b, n, -1);
    err1 = errno;
    free(b);
}
coroutine static void detacher(int s) {
    rc1 = prefix_detach(s);
    err1 = errno;
}

int main(void) {
    int p[2];
    uint8_t h[8];
    static char payload[65536];
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
                static char in[65536];
                assert(mrecv(s, in, sizeof(in), -1) == (ssize_t)n);
                assert(memcmp(in, payload, n) == 0);
            }
            /* One more than the largest is EMSGSIZE, nothing sent. */
            if(hdrlen <= 2) {
                size_t max = hdrlen == 1 ? 254 : 65534;
                static char big[65536];
                assert(msend(s, big, max + 1, -1) == -1 && errno == EMSGSIZE);
                assert(msend(s, "ok", 2, -1) == 0);
                header(h, hdrlen, flags, 2);
                expect_raw(p[1], h, hdrlen);
                expect_raw(p[1], "ok", 2);
            }
            /* The terminal handshake, the peer first: then mrecv is EPIPE and
               prefix_detach only sends ours. */
            memset(h, 0xff, 8);
            assert(bsend(p[1], h, hdrlen, -1) == 0);
            assert(bsend(p[1], "RAW", 3, -1) == 0);
            assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
            assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
            assert(msend(s, "still", 5, -1) == 0);   /* sending goes on */
            header(h, hdrlen, flags, 5);
            expect_raw(p[1], h, hdrlen);
            expect_raw(p[1], "still", 5);
            u = prefix_detach(s);
            assert(u >= 0);
            memset(h, 0xff, 8);
            expect_raw(p[1], h, hdrlen);
            expect_raw(u, "RAW", 3);
            assert(msend(s, "x", 1, -1) == -1 && errno == EBADF);
        }
    }

    /* prefix_detach first: it reads and drops messages until the peer's
       terminal header, and not a byte more. */
    int s = prefix_attach(u, 2, PREFIX_LITTLE_ENDIAN);
    assert(s >= 0);
    assert(bsend(p[1], "\x03\x00" "abc" "\x00\x00" "\x01\x00" "d" "\xff\xff" "after", 17, -1) == 0);
    u = prefix_detach(s);
    assert(u >= 0);
    expect_raw(p[1], "\xff\xff", 2);
    expect_raw(u, "after", 5);

    /* Gather and scatter. */
    s = prefix_attach(u, 4, PREFIX_BIG_ENDIAN);
    assert(s >= 0);
    struct iolist g3 = {"ghij", 4, NULL, 0}, g2 = {NULL, 0, &g3, 0}, g1 = {"abcdef", 6, &g2, 0};
    assert(msendl(s, &g1, &g3, -1) == 0);
    assert(g3.iol_next == NULL);
    expect_raw(p[1], "\x00\x00\x00\x0a" "abcdefghij", 14);
    struct iolist bad = {NULL, 1, NULL, 0};
    assert(msendl(s, &bad, &bad, -1) == -1 && errno == EINVAL);
    assert(msendl(s, &g1, &g1, -1) == -1 && errno == EINVAL);
    assert(msend(s, NULL, 1, -1) == -1 && errno == EINVAL);
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
    /* A message ending inside an item, and one ending on a boundary. */
    assert(bsend(p[1], "\x00\x00\x00\x02" "xy" "\x00\x00\x00\x07" "ABCDEFG", 17, -1) == 0);
    assert(mrecvl(s, &r1, &r4, -1) == 2 && memcmp(a, "xy2", 3) == 0);
    assert(mrecvl(s, &r1, &r4, -1) == 7 && memcmp(a, "ABC", 3) == 0 && memcmp(b, "DEFG", 4) == 0);
    assert(r2.iol_len == 4 && r2.iol_next == &r3);
    /* NULL lists drop the message and return its size. */
    assert(bsend(p[1], "\x00\x00\x00\x05" "hello" "\x00\x00\x00\x00", 13, -1) == 0);
    assert(mrecvl(s, NULL, NULL, -1) == 5);
    assert(mrecvl(s, NULL, NULL, -1) == 0);
    assert(mrecvl(s, &r1, NULL, -1) == -1 && errno == EINVAL);
    assert(mrecvl(s, &r1, &r1, -1) == -1 && errno == EINVAL);
    assert(mrecv(s, NULL, 1, -1) == -1 && errno == EINVAL);
    assert(bsend(s, "x", 1, -1) == -1 && errno == ENOTSUP);   /* not a bytestream */

    /* EBUSY, receiving and sending. */
    int cr = go(receiver(s));
    assert(mrecv(s, buf, sizeof(buf), 0) == -1 && errno == EBUSY);
    assert(bsend(p[1], "\x00\x00\x00\x01" "z", 5, -1) == 0);
    assert(bundle_wait(cr, now() + 1000) == 0 && rc1 == 1 && hclose(cr) == 0);
    cr = go(big_sender(s, 1 << 20));   /* blocks: the peer does not read */
    assert(msend(s, "x", 1, 0) == -1 && errno == EBUSY);
    static char drain[(1 << 20) + 4];
    assert(brecv(p[1], drain, sizeof(drain), now() + 5000) == 0);
    assert(bundle_wait(cr, now() + 1000) == 0 && rc1 == 0 && hclose(cr) == 0);
    assert(memcmp(drain, "\x00\x10\x00\x00", 4) == 0);

    /* Oversized sizes from the peer: EMSGSIZE, then the receiving direction
       is unusable (the payload was not read) and so is prefix_detach. */
    assert(bsend(p[1], "\x00\x00\x01\x00", 4, -1) == 0);   /* 256 > 16 */
    assert(mrecv(s, buf, 16, -1) == -1 && errno == EMSGSIZE);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
    assert(msend(s, "y", 1, -1) == 0);   /* the other direction is fine */
    expect_raw(p[1], "\x00\x00\x00\x01y", 5);
    assert(prefix_detach(s) == -1 && errno == ECONNRESET);
    assert(msend(s, "y", 1, -1) == -1 && errno == EBADF);   /* closed */
    char x;
    assert(brecv(p[1], &x, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);
    const char *huge[] = {
        "\x00\x00\x01\x00\x00\x00\x00\x00",   /* 2^40 */
        "\x7f\xff\xff\xff\xff\xff\xff\xff",
        "\xff\xff\xff\xff\xff\xff\xff\xfe",   /* one less than the terminal */
        "\x00\x00\x00\x00\x80\x00\x00\x00",   /* 2^31: more than ssize_t */
    };
    for(int k = 0; k < 4; k++) {
        assert(ipc_pair(p) == 0);
        s = prefix_attach(p[0], 8, PREFIX_BIG_ENDIAN);
        assert(s >= 0);
        assert(bsend(p[1], huge[k], 8, -1) == 0);
        /* NULL lists too: nothing is read for a size that cannot be. */
        if(k == 3) assert(mrecvl(s, NULL, NULL, -1) == -1 && errno == EMSGSIZE);
        else assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == EMSGSIZE);
        assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
        assert(hclose(s) == 0 && hclose(p[1]) == 0);
    }

    /* The peer closes: EPIPE at a boundary, ECONNRESET inside a message;
       prefix_detach without the peer's terminal header: ECONNRESET. */
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 1, 0);
    assert(s >= 0);
    assert(bsend(p[1], "\x01" "a", 2, -1) == 0);
    assert(ipc_done(p[1], -1) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == 1);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    assert(prefix_detach(s) == -1 && errno == ECONNRESET);
    assert(hclose(p[1]) == 0);
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 1, 0);
    assert(s >= 0);
    assert(bsend(p[1], "\x0a" "abc", 4, -1) == 0);
    assert(ipc_done(p[1], -1) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
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

    /* ECANCELED: in mrecv, and in prefix_detach waiting for the peer (the
       socket is then closed). */
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 2, 0);
    assert(s >= 0);
    cr = go(receiver(s));
    assert(hclose(cr) == 0 && rc1 == -1 && err1 == ECANCELED);
    assert(hclose(s) == 0 && hclose(p[1]) == 0);
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 2, 0);
    assert(s >= 0);
    cr = go(detacher(s));
    expect_raw(p[1], "\xff\xff", 2);
    assert(hclose(cr) == 0 && rc1 == -1 && err1 == ECANCELED);
    assert(msend(s, "x", 1, -1) == -1 && errno == EBADF);
    assert(brecv(p[1], &x, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);

    /* Both sides PREFIX, detaching at once: each gets its socket back. */
    assert(ipc_pair(p) == 0);
    struct prefix_storage mem;
    int s0 = prefix_attach_mem(p[0], 3, PREFIX_LITTLE_ENDIAN, &mem);
    int s1 = prefix_attach(p[1], 3, PREFIX_LITTLE_ENDIAN);
    assert(s0 >= 0 && s1 >= 0);
    assert(msend(s0, "to s1", 5, -1) == 0);
    assert(msend(s1, "to s0", 5, -1) == 0);
    cr = go(detacher(s1));   /* drops "to s1" */
    int u0 = prefix_detach(s0);   /* drops "to s0" */
    assert(u0 >= 0);
    assert(bundle_wait(cr, now() + 1000) == 0 && rc1 >= 0 && hclose(cr) == 0);
    int u1 = rc1;
    assert(bsend(u0, "raw", 3, -1) == 0);
    assert(brecv(u1, buf, 3, now() + 1000) == 0 && memcmp(buf, "raw", 3) == 0);

    /* EBUSY from prefix_detach: the socket is closed, the receiver wakes
       with EBADF. */
    s = prefix_attach(u0, 2, 0);
    assert(s >= 0);
    cr = go(receiver(s));
    assert(prefix_detach(s) == -1 && errno == EBUSY);
    assert(bundle_wait(cr, now() + 1000) == 0 && rc1 == -1 && err1 == EBADF);
    assert(hclose(cr) == 0);
    assert(brecv(u1, &x, 1, now() + 1000) == -1 && errno == EPIPE);

    /* Errors of prefix_detach and prefix_attach (the socket stays with the
       caller). ETIMEDOUT: prefix_detach has no deadline. */
    assert(prefix_detach(-1) == -1 && errno == EBADF);
    assert(prefix_detach(u1) == -1 && errno == ENOTSUP);
    assert(prefix_attach(-1, 4, 0) == -1 && errno == EBADF);
    assert(prefix_attach(u1, 0, 0) == -1 && errno == EINVAL);
    assert(prefix_attach(u1, 9, 0) == -1 && errno == EINVAL);
    assert(prefix_attach(u1, (size_t)-1, 0) == -1 && errno == EINVAL);
    assert(prefix_attach(u1, 4, 2) == -1 && errno == EINVAL);
    assert(prefix_attach(u1, 4, -1) == -1 && errno == EINVAL);
    assert(prefix_attach_mem(u1, 0, 0, &mem) == -1 && errno == EINVAL);
    int ch[2];
    assert(chmake(ch) == 0);
    assert(prefix_attach(ch[0], 4, 0) == -1 && errno == EPROTO);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 4, 0);
    assert(prefix_attach(s, 4, 0) == -1 && errno == EPROTO);   /* a message socket */
    assert(msend(s, "", 0, -1) == 0);
    expect_raw(p[1], "\0\0\0\0", 4);
    assert(hclose(s) == 0 && hclose(p[1]) == 0);
    /* ENOTSUP cannot come from prefix_attach (a handle that is not a
       bytestream is EPROTO); EMFILE/ENFILE: no descriptor is opened;
       ENOMEM: prefix-stacking-...-and-enomem.c. */
    assert(hclose(u1) == 0);
    return 0;
}
