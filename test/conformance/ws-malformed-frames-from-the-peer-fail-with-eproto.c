/* Frames that break RFC 6455, written raw on the other end of an ipc_pair:
   the receiving call fails with EPROTO (never a crash); as upstream, our
   side sends nothing about it and can still send.  An unmasked frame to a
   server, a masked one to a client, reserved bits, unknown opcodes,
   control frames over 125 bytes or fragmented, close frames with a 1-byte
   payload or a status out of 1000-4999.  A frame cut short by the end of
   the stream (one announcing 1 TiB included), or the end of the stream
   between frames with no close frame: EPIPE, as upstream, and no status.
   (Frames out of sequence and a 64-bit length with its top bit set, which
   upstream takes or waits for:
   ws-frames-out-of-sequence-or-with-an-impossible-length-fail-with-eproto.c.) */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

/* Feeds `bytes` to our side (client if `client`) and checks the outcome. */
static void violation(int client, const uint8_t *bytes, size_t len) {
    int ws, raw;
    ws_raw_pair(client, 0, &ws, &raw);
    assert(bsend(raw, bytes, len, -1) == 0);
    char buf[256];
    int fl;
    errno = 0;
    assert(ws_recv(ws, &fl, buf, sizeof(buf), now() + 5000) == -1);
    assert(errno == EPROTO);
    /* Nothing was sent (the next frame the peer gets is our message):
       sending still works. */
    assert(ws_send(ws, WS_TEXT, "x", 1, now() + 5000) == 0);
    int b0, masked;
    uint8_t p[8];
    assert(raw_read(raw, &b0, &masked, p, sizeof(p)) == 1 && b0 == (0x80 | OP_TEXT));
    assert(hclose(ws) == 0);
    assert(hclose(raw) == 0);
}

/* One frame, masked as the side expects unless told otherwise. */
static void bad_frame(int client, int b0, int masked, const void *p, uint64_t len,
      int form) {
    static uint8_t b[1000];
    size_t n = frame_ex(b, b0, masked ? KEY : NULL, p, len, form);
    violation(client, b, n);
}

static void both_sides(int b0, const void *p, uint64_t len) {
    bad_frame(1, b0, 0, p, len, LEN_MINIMAL);
    bad_frame(0, b0, 1, p, len, LEN_MINIMAL);
}

/* The end of the stream where it must not be: EPIPE, no status. */
static void truncated(int client, const uint8_t *bytes, size_t len) {
    int ws, raw;
    ws_raw_pair(client, 0, &ws, &raw);
    if(len) assert(bsend(raw, bytes, len, -1) == 0);
    assert(ipc_done(raw, -1) == 0);
    char buf[256];
    int fl;
    errno = 0;
    assert(ws_recv(ws, &fl, buf, sizeof(buf), now() + 5000) == -1);
    assert(errno == EPIPE);
    assert(ws_recv(ws, &fl, buf, sizeof(buf), now() + 5000) == -1 && errno == EPIPE);
    /* No close frame came: no status. */
    int st;
    assert(ws_status(ws, &st, NULL, 0) == -1 && errno == EAGAIN);
    assert(hclose(ws) == 0);
    assert(hclose(raw) == 0);
}

int main(void) {
    uint8_t big[200];
    memset(big, 'p', sizeof(big));

    /* Masking: a server requires it, a client refuses it. */
    bad_frame(0, 0x80 | OP_TEXT, 0, "unmasked", 8, LEN_MINIMAL);
    bad_frame(0, 0x80 | OP_PING, 0, "", 0, LEN_MINIMAL);
    bad_frame(1, 0x80 | OP_BIN, 1, "masked", 6, LEN_MINIMAL);

    /* Reserved bits, each of them (no extension was negotiated). */
    both_sides(0x80 | 0x40 | OP_TEXT, "rsv1", 4);
    both_sides(0x80 | 0x20 | OP_BIN, "rsv2", 4);
    both_sides(0x80 | 0x10 | OP_TEXT, "rsv3", 4);
    both_sides(0x80 | 0x40 | OP_PING, "", 0);

    /* Opcodes that are not defined. */
    int undefined[] = {0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf};
    for(size_t i = 0; i < sizeof(undefined) / sizeof(undefined[0]); i++)
        both_sides(0x80 | undefined[i], "op", 2);

    /* Control frames: at most 125 bytes (whatever the encoding), never
       fragmented. */
    both_sides(0x80 | OP_PING, big, 126);
    bad_frame(1, 0x80 | OP_PONG, 0, big, 126, LEN_16);
    bad_frame(0, 0x80 | OP_CLOSE, 1, big, 200, LEN_64);
    bad_frame(1, 0x80 | OP_PING, 0, big, 5, LEN_16);   /* 126 in the 7 bits */
    both_sides(OP_PING, "frag", 4);
    both_sides(OP_CLOSE, "\x03\xe8", 2);

    /* Close frames: a 1-byte payload, statuses out of 1000-4999. */
    both_sides(0x80 | OP_CLOSE, "\x03", 1);
    int nostatus[] = {0, 999, 5000, 65535};
    for(size_t i = 0; i < sizeof(nostatus) / sizeof(nostatus[0]); i++) {
        uint8_t p[2] = {(uint8_t)(nostatus[i] >> 8), (uint8_t)nostatus[i]};
        both_sides(0x80 | OP_CLOSE, p, 2);
    }

    /* Truncated: in the header, the extended length, the key, the payload;
       and a clean end of stream between frames (no close frame). */
    for(int client = 0; client < 2; client++) {
        uint8_t b[100];
        const uint8_t *k = client ? NULL : KEY;
        size_t n = frame_ex(b, 0x80 | OP_BIN, k, big, 70, LEN_64);
        size_t cuts[] = {0, 1, 2, 5, 10, client ? 10 : 13, n - 1};
        for(size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
            truncated(client, b, cuts[i]);
        /* A frame announcing 1 TiB, then the end: nothing is allocated
           for it, the receive just fails. */
        uint8_t huge[14] = {0x82, client ? 127 : 0x80 | 127, 0, 0, 1, 0, 0, 0, 0, 0,
            1, 2, 3, 4};
        memcpy(b, huge, 14);
        memset(b + 14, 'x', 50);
        truncated(client, b, client ? 60 : 64);
        /* Half a fragmented message. */
        n = frame_ex(b, OP_TEXT, k, "half", 4, LEN_MINIMAL);
        truncated(client, b, n);
    }
    return 0;
}
