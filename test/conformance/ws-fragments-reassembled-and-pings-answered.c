/* Fragmented messages from the peer (written raw) come out whole, with the
   type of their first frame, whatever the mix of length encodings (non-
   minimal ones included) and with pings, pongs and empty fragments in
   between.  A ping is answered with a pong carrying its payload (masked by
   a client with a fresh key each time, unmasked by a server), even in the
   middle of a fragmented message; pongs are ignored.  A ping that arrives
   while a message is being sent gets its pong right after that message,
   never inside it; a sender arriving while the pong goes out waits.
   Upstream libdill fails here as a whole, and we keep ours: it writes each
   fragment over the previous one at the start of the buffer (the length
   is right, the bytes garbage), and fails the receive with EPROTO on any
   ping or pong (it answers none), which RFC 6455 5.5 requires it to take.
   The last part also depends on our build: it fills the pipe with exactly
   what an ipc_pair buffers here (256 KiB). */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

static void expect_pong(int raw, int client, const char *payload, size_t len,
      uint8_t *lastkey) {
    uint8_t h[2], key[4] = {0, 0, 0, 0};
    assert(brecv(raw, h, 2, now() + 5000) == 0);
    assert(h[0] == (0x80 | OP_PONG));
    assert(!!(h[1] & 0x80) == client);
    assert((size_t)(h[1] & 0x7f) == len);
    if(client) {
        assert(brecv(raw, key, 4, now() + 5000) == 0);
        /* A fresh key each frame. */
        if(lastkey) {
            assert(memcmp(key, lastkey, 4) != 0);
            memcpy(lastkey, key, 4);
        }
    }
    char p[125];
    if(len) assert(brecv(raw, p, len, now() + 5000) == 0);
    for(size_t i = 0; i < len; i++) p[i] ^= key[i & 3];
    assert(memcmp(p, payload, len) == 0);
}

static void fragments(int client) {
    int ws, raw;
    ws_raw_pair(client, 0, &ws, &raw);
    const uint8_t *k = client ? NULL : KEY;
    static uint8_t b[300000];
    size_t n = 0;
    /* "Hello, " + ping + "" + pong + "frag" (16-bit) + ping + "mented" (64-bit) */
    n += frame_ex(b + n, OP_TEXT, k, "Hello, ", 7, LEN_MINIMAL);
    n += frame_ex(b + n, 0x80 | OP_PING, k, "are you there?", 14, LEN_MINIMAL);
    n += frame_ex(b + n, OP_CONT, k, "", 0, LEN_MINIMAL);
    n += frame_ex(b + n, 0x80 | OP_PONG, k, "unsolicited", 11, LEN_MINIMAL);
    n += frame_ex(b + n, OP_CONT, k, "frag", 4, LEN_16);
    n += frame_ex(b + n, 0x80 | OP_PING, k, "", 0, LEN_MINIMAL);
    n += frame_ex(b + n, 0x80 | OP_CONT, k, "mented", 6, LEN_64);
    /* then a binary message of 3 fragments of 70000, 1 and 129 bytes */
    static uint8_t big[70130];
    for(size_t i = 0; i < sizeof(big); i++) big[i] = (uint8_t)(i * 31 + 7);
    n += frame_ex(b + n, OP_BIN, k, big, 70000, LEN_MINIMAL);
    n += frame_ex(b + n, OP_CONT, k, big + 70000, 1, LEN_MINIMAL);
    n += frame_ex(b + n, 0x80 | OP_CONT, k, big + 70001, 129, LEN_MINIMAL);
    /* then a single-frame text message */
    n += frame_ex(b + n, 0x80 | OP_TEXT, k, "single", 6, LEN_64);
    assert(n < sizeof(b));
    assert(bsend(raw, b, n, now() + 5000) == 0);

    char buf[100];
    int fl = -1;
    ssize_t got = ws_recv(ws, &fl, buf, sizeof(buf), now() + 5000);
    assert(got == 17 && fl == WS_TEXT && memcmp(buf, "Hello, fragmented", 17) == 0);
    uint8_t lastkey[4] = {0, 0, 0, 0};
    expect_pong(raw, client, "are you there?", 14, lastkey);
    expect_pong(raw, client, "", 0, lastkey);
    /* Into a scattered list: 3 + 69998 + the rest. */
    static uint8_t r[70200];
    struct iolist i3 = {r + 70001, 199, NULL, 0};
    struct iolist i2 = {r + 3, 69998, &i3, 0};
    struct iolist i1 = {r, 3, &i2, 0};
    assert(ws_recvl(ws, &fl, &i1, &i3, now() + 5000) == 70130 && fl == WS_BINARY);
    assert(memcmp(r, big, 70130) == 0);
    assert(ws_recv(ws, &fl, buf, sizeof(buf), now() + 5000) == 6 && fl == WS_TEXT);
    assert(memcmp(buf, "single", 6) == 0);
    /* Each ping its pong, in order, a fresh key each time. */
    for(int i = 0; i < 20; i++) {
        char p[2] = {'p', (char)('a' + i)};
        raw_frame(raw, 1, OP_PING, k, p, 2);
    }
    raw_frame(raw, 1, OP_TEXT, k, "after", 5);
    assert(ws_recv(ws, &fl, buf, sizeof(buf), now() + 5000) == 5);
    for(int i = 0; i < 20; i++) {
        char p[2] = {'p', (char)('a' + i)};
        expect_pong(raw, client, p, 2, lastkey);
    }
    /* A 125-byte ping: the largest. */
    char p125[125];
    memset(p125, 'z', sizeof(p125));
    raw_frame(raw, 1, OP_PING, k, p125, 125);
    raw_frame(raw, 1, OP_BIN, k, "", 0);
    assert(ws_recv(ws, &fl, buf, sizeof(buf), now() + 5000) == 0 && fl == WS_BINARY);
    expect_pong(raw, client, p125, 125, NULL);
    assert(hclose(ws) == 0);
    assert(hclose(raw) == 0);
}

/* The pong waits for the message being sent. */
coroutine void receiver(int ws) {
    char buf[16];
    int fl;
    assert(ws_recv(ws, &fl, buf, sizeof(buf), now() + 10000) == 4);
    assert(memcmp(buf, "done", 4) == 0);
}

coroutine void sender(int s, const uint8_t *p, size_t len, int *ok) {
    *ok = ws_send(s, WS_BINARY, p, len, now() + 10000) == 0;
}

#define PIPE_CAPACITY (256 * 1024)

static void pong_after_message(int client) {
    int ws, raw;
    ws_raw_pair(client, 0, &ws, &raw);
    const uint8_t *k = client ? NULL : KEY;
    size_t big = 1024 * 1024;
    uint8_t *m = malloc(big), *in = malloc(big);
    assert(m && in);
    for(size_t i = 0; i < big; i++) m[i] = (uint8_t)(i ^ (i >> 8));
    int r = go(receiver(ws));
    int b0, masked, ok1 = 0, ok2 = 0;

    /* A message too big for the pipe blocks its sender... */
    int s1 = go(sender(ws, m, big, &ok1));
    /* ... so another sender is told EBUSY ... */
    assert(ws_send(ws, WS_TEXT, "x", 1, now() + 1000) == -1 && errno == EBUSY);
    /* ... and a ping that comes in now is answered after the message. */
    raw_frame(raw, 1, OP_PING, k, "while-sending", 13);
    msleep(now() + 50);
    size_t n = raw_read(raw, &b0, &masked, in, big);
    assert(b0 == (0x80 | OP_BIN) && n == big && memcmp(in, m, big) == 0);
    n = raw_read(raw, &b0, &masked, in, big);
    assert(b0 == (0x80 | OP_PONG) && n == 13 && memcmp(in, "while-sending", 13) == 0);
    assert(bundle_wait(s1, now() + 10000) == 0 && ok1);
    hclose(s1);

    /* A message that fills the pipe exactly goes out at once; then the
       receiver's pong blocks, and a sender arriving meanwhile waits for it
       rather than failing with EBUSY. */
    size_t fill = PIPE_CAPACITY - (client ? 14 : 10);
    assert(ws_send(ws, WS_BINARY, m, fill, 0) == 0);
    raw_frame(raw, 1, OP_PING, k, "blocked", 7);
    msleep(now() + 50);
    int s2 = go(sender(ws, m, 10, &ok2));
    msleep(now() + 50);
    assert(ok2 == 0);
    n = raw_read(raw, &b0, &masked, in, big);
    assert(b0 == (0x80 | OP_BIN) && n == fill && memcmp(in, m, fill) == 0);
    n = raw_read(raw, &b0, &masked, in, big);
    assert(b0 == (0x80 | OP_PONG) && n == 7 && memcmp(in, "blocked", 7) == 0);
    n = raw_read(raw, &b0, &masked, in, big);
    assert(b0 == (0x80 | OP_BIN) && n == 10 && memcmp(in, m, 10) == 0);
    assert(bundle_wait(s2, now() + 10000) == 0 && ok2);
    hclose(s2);

    raw_frame(raw, 1, OP_TEXT, k, "done", 4);
    assert(bundle_wait(r, now() + 10000) == 0);
    hclose(r);
    free(m);
    free(in);
    assert(hclose(ws) == 0);
    assert(hclose(raw) == 0);
}

int main(void) {
    fragments(1);
    fragments(0);
    pong_after_message(1);
    pong_after_message(0);
    return 0;
}
