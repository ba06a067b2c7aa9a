/* A client and a server (WS_NOHTTP, over an ipc_pair; also the _mem
   variants) exchange messages both ways: every length encoding (7-bit up to
   125, 16-bit from 126 to 65535, 64-bit from 65536, up to 3 MiB), text and
   binary with ws_send/ws_recv reporting the type, msend/mrecv typed by the
   attach flags (a message of the other type: EPROTO, and the next one
   arrives intact), ws_sendl/ws_recvl with scattered lists (NULL bases skip
   bytes; a server's lists here have items of multiples of 4 bytes),
   empty messages, EMSGSIZE. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ws-helpers.h"

static unsigned char pat(size_t i, int seed) {
    return (unsigned char)(i * 13 + (i >> 11) + seed);
}

static unsigned char *out, *in;
#define MAXLEN (3 * 1024 * 1024 + 7)

coroutine void sender(int s, size_t len, int flags, int seed) {
    for(size_t i = 0; i < len; i++) out[i] = pat(i, seed);
    assert(ws_send(s, flags, out, len, now() + 10000) == 0);
}

/* One message of len bytes from a to b, sent by a coroutine (big ones do
   not fit in the pipe's buffer). */
static void one(int a, int b, size_t len, int flags, int seed) {
    int h = go(sender(a, len, flags, seed));
    assert(h >= 0);
    int got = -1;
    ssize_t n = ws_recv(b, &got, in, MAXLEN, now() + 10000);
    assert(n == (ssize_t)len);
    assert(got == flags);
    for(size_t i = 0; i < len; i++) assert(in[i] == pat(i, seed));
    assert(bundle_wait(h, now() + 10000) == 0);
    hclose(h);
}

static void lengths(int c, int s) {
    size_t lens[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 124, 125, 126, 127, 128,
        1000, 65534, 65535, 65536, 65537, 100000, 1048576, MAXLEN};
    for(size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        one(c, s, lens[i], i & 1 ? WS_TEXT : WS_BINARY, (int)i);
        one(s, c, lens[i], i & 1 ? WS_BINARY : WS_TEXT, (int)i + 100);
    }
}

static void typed(int c, int s, int ctype) {
    /* msend/mrecv use the attach type; c and s were attached with ctype. */
    char buf[64];
    int fl;
    assert(msend(c, "default", 7, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 7 && fl == ctype);
    assert(memcmp(buf, "default", 7) == 0);
    assert(msend(s, "back", 4, -1) == 0);
    assert(mrecv(c, buf, sizeof(buf), -1) == 4 && memcmp(buf, "back", 4) == 0);
    /* A message of the other type: EPROTO for mrecv, then all is well. */
    int other = ctype == WS_TEXT ? WS_BINARY : WS_TEXT;
    assert(ws_send(s, other, "other", 5, -1) == 0);
    assert(ws_send(s, ctype, "same", 4, -1) == 0);
    errno = 0;
    assert(mrecv(c, buf, sizeof(buf), -1) == -1 && errno == EPROTO);
    assert(mrecv(c, buf, sizeof(buf), -1) == 4 && memcmp(buf, "same", 4) == 0);
    /* ws_recv takes either; flags may be NULL. */
    assert(ws_send(s, other, "x", 1, -1) == 0);
    assert(ws_recv(c, NULL, buf, sizeof(buf), -1) == 1 && buf[0] == 'x');
}

static void lists(int c, int s) {
    /* Scattered send list, both directions. */
    char a[] = "Hello", b[] = ", ", d[] = "scattered world";
    struct iolist i3 = {d, strlen(d), NULL, 0};
    struct iolist i2 = {b, strlen(b), &i3, 0};
    struct iolist i0 = {NULL, 0, &i2, 0};          /* empty item */
    struct iolist i1 = {a, strlen(a), &i0, 0};
    const char *whole = "Hello, scattered world";
    for(int dir = 0; dir < 2; dir++) {
        int x = dir ? s : c, y = dir ? c : s;
        assert(ws_sendl(x, WS_TEXT, &i1, &i3, -1) == 0);
        /* Received into 4 + skip 3 + 0 + 100, the skipped bytes dropped, by
           a client.  A server receives into 4 + 4 + 0 + 100: items of any
           length, and NULL bases, where upstream garbles the bytes or
           crashes, are in
           ws-a-server-receives-into-any-list-unmasking-it-whole.c. */
        size_t skip = dir ? 3 : 4;
        char r1[4], r2[4], r3[100];
        memset(r3, 0, sizeof(r3));
        struct iolist j3 = {r3, sizeof(r3), NULL, 0};
        struct iolist j0 = {r1, 0, &j3, 0};
        struct iolist j2 = {dir ? NULL : r2, skip, &j0, 0};
        struct iolist j1 = {r1, 4, &j2, 0};
        int fl = -1;
        assert(ws_recvl(y, &fl, &j1, &j3, -1) == 22 && fl == WS_TEXT);
        assert(memcmp(r1, whole, 4) == 0);
        assert(memcmp(r3, whole + 4 + skip, 18 - skip) == 0);
        /* The lists are as they were. */
        assert(j1.iol_base == r1 && j1.iol_len == 4 && j1.iol_next == &j2);
        assert(j2.iol_base == (dir ? NULL : r2) && j2.iol_len == skip && j2.iol_next == &j0);
        if(!dir) assert(memcmp(r2, whole + 4, 4) == 0);
        assert(j0.iol_len == 0 && j0.iol_next == &j3);
        assert(j3.iol_base == r3 && j3.iol_len == 100 && j3.iol_next == NULL);
        assert(i1.iol_next == &i0 && i0.iol_next == &i2 && i3.iol_next == NULL);
        /* msendl/mrecvl too, a message exactly filling the list. */
        assert(msendl(x, &i1, &i3, -1) == 0);
        char q[22];
        struct iolist k2 = {q + 12, 10, NULL, 0};
        struct iolist k1 = {q, 12, &k2, 0};
        assert(ws_recvl(y, NULL, &k1, &k2, -1) == 22 && memcmp(q, whole, 22) == 0);
    }
}

/* EMSGSIZE for a message too long for the buffer; each case on a pair of
   its own: upstream leaves the rest of the message in the stream (what
   comes next is garbage to it), where we drop it:
   ws-a-message-too-long-for-the-buffer-is-dropped-and-the-next-arrives.c. */
static void sizes(void) {
    char buf[16];
    int fl;
    for(int dir = 0; dir < 2; dir++) {
        for(int k = 0; k < 4; k++) {
            int c, s;
            ws_pair(WS_BINARY, &c, &s);
            int x = dir ? s : c, y = dir ? c : s;
            struct iolist h2 = {buf + 4, 5, NULL, 0};
            struct iolist h1 = {buf, 4, &h2, 0};
            errno = 0;
            switch(k) {
            case 0:
                assert(ws_send(x, WS_BINARY, "0123456789abcdefXYZ", 19, -1) == 0);
                assert(ws_recv(y, &fl, buf, sizeof(buf), -1) == -1 && errno == EMSGSIZE);
                break;
            case 1:
                assert(ws_send(x, WS_BINARY, "0123456789", 10, -1) == 0);
                assert(ws_recvl(y, &fl, &h1, &h2, -1) == -1 && errno == EMSGSIZE);
                break;
            case 2:
                assert(msend(x, "0123456789", 10, -1) == 0);
                assert(mrecvl(y, &h1, &h2, -1) == -1 && errno == EMSGSIZE);
                break;
            default:
                /* A zero-length buffer takes an empty message only. */
                assert(ws_send(x, WS_TEXT, "", 0, -1) == 0);
                assert(ws_send(x, WS_TEXT, NULL, 0, -1) == 0);
                assert(ws_send(x, WS_TEXT, "a", 1, -1) == 0);
                assert(ws_recv(y, &fl, buf, 0, -1) == 0 && fl == WS_TEXT);
                assert(ws_recv(y, &fl, NULL, 0, -1) == 0 && fl == WS_TEXT);
                assert(ws_recv(y, &fl, NULL, 0, -1) == -1 && errno == EMSGSIZE);
            }
            assert(hclose(c) == 0);
            assert(hclose(s) == 0);
        }
    }
}

int main(void) {
    out = malloc(MAXLEN);
    in = malloc(MAXLEN);
    assert(out && in);
    int c, s;
    ws_pair(WS_BINARY, &c, &s);
    lengths(c, s);
    typed(c, s, WS_BINARY);
    lists(c, s);
    assert(hclose(c) == 0);
    assert(hclose(s) == 0);
    sizes();

    /* Text-typed sockets in caller's memory. */
    struct ws_storage m1, m2;
    int p[2];
    assert(ipc_pair(p) == 0);
    c = ws_attach_client_mem(p[0], WS_TEXT | WS_NOHTTP, NULL, NULL, &m1, -1);
    assert(c >= 0);
    s = ws_attach_server_mem(p[1], WS_TEXT | WS_NOHTTP, NULL, 0, NULL, 0, &m2, -1);
    assert(s >= 0);
    typed(c, s, WS_TEXT);
    one(c, s, 70000, WS_TEXT, 1);
    one(s, c, 70000, WS_BINARY, 2);
    assert(hclose(c) == 0);
    assert(hclose(s) == 0);
    free(out);
    free(in);
    return 0;
}
