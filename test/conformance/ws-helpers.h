/* Shared by the ws-* conformance programs: WebSocket frames written and read
   byte by byte on a raw bytestream (the other end of an ipc_pair), so that
   each side of our implementation can be fed exactly what a test wants. */
#ifndef WS_HELPERS_H
#define WS_HELPERS_H

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libdill.h>

#define OP_CONT 0x0
#define OP_TEXT 0x1
#define OP_BIN 0x2
#define OP_CLOSE 0x8
#define OP_PING 0x9
#define OP_PONG 0xa

/* Length encodings a raw frame can be forced into. */
#define LEN_MINIMAL 0
#define LEN_16 2
#define LEN_64 8

/* A raw frame: header byte 0 given whole (FIN, RSV, opcode), the payload
   masked with `key` if key is not NULL.  Returns its size; out must hold
   len + 14 bytes. */
static inline size_t frame_ex(uint8_t *out, int b0, const uint8_t *key,
      const void *payload, uint64_t len, int form) {
    size_t n = 0;
    out[n++] = (uint8_t)b0;
    uint8_t m = key ? 0x80 : 0;
    if(form == LEN_MINIMAL && len < 126) {
        out[n++] = m | (uint8_t)len;
    } else if(form != LEN_64 && len <= 0xffff) {
        out[n++] = m | 126;
        out[n++] = (uint8_t)(len >> 8);
        out[n++] = (uint8_t)len;
    } else {
        out[n++] = m | 127;
        for(int i = 0; i < 8; i++) out[n++] = (uint8_t)(len >> (56 - 8 * i));
    }
    if(key) {
        memcpy(out + n, key, 4);
        n += 4;
    }
    const uint8_t *p = payload;
    for(uint64_t i = 0; i < len && p; i++)
        out[n + i] = p[i] ^ (key ? key[i & 3] : 0);
    return n + (size_t)len;
}

static const uint8_t KEY[4] = {0x37, 0xfa, 0x21, 0x3d};

/* Sends a whole frame (masked if key) on the raw bytestream s. */
static inline void raw_frame(int s, int fin, int op, const uint8_t *key,
      const void *payload, size_t len) {
    uint8_t *b = malloc(len + 14);
    assert(b);
    size_t n = frame_ex(b, (fin ? 0x80 : 0) | op, key, payload, len,
        LEN_MINIMAL);
    assert(bsend(s, b, n, now() + 5000) == 0);
    free(b);
}

/* Reads one frame from the raw bytestream s: returns the payload length
   (unmasked into payload, which must be big enough), the header byte 0 in
   *b0 and whether it was masked in *masked. */
static inline size_t raw_read(int s, int *b0, int *masked, void *payload,
      size_t cap) {
    uint8_t h[8];
    assert(brecv(s, h, 2, now() + 5000) == 0);
    *b0 = h[0];
    *masked = !!(h[1] & 0x80);
    uint64_t len = h[1] & 0x7f;
    if(len == 126) {
        assert(brecv(s, h, 2, now() + 5000) == 0);
        len = (uint64_t)h[0] << 8 | h[1];
    } else if(len == 127) {
        assert(brecv(s, h, 8, now() + 5000) == 0);
        len = 0;
        for(int i = 0; i < 8; i++) len = len << 8 | h[i];
    }
    uint8_t key[4] = {0, 0, 0, 0};
    if(*masked) assert(brecv(s, key, 4, now() + 5000) == 0);
    assert(len <= cap);
    uint8_t *p = payload;
    if(len) assert(brecv(s, p, (size_t)len, now() + 10000) == 0);
    for(uint64_t i = 0; i < len; i++) p[i] ^= key[i & 3];
    return (size_t)len;
}

/* An ipc_pair with our WebSocket on one end (client if `client`, else
   server; no HTTP) and the raw bytestream on the other. */
static inline void ws_raw_pair(int client, int flags, int *ws, int *raw) {
    int p[2];
    assert(ipc_pair(p) == 0);
    *ws = client ? ws_attach_client(p[0], flags | WS_NOHTTP, NULL, NULL, -1)
                 : ws_attach_server(p[0], flags | WS_NOHTTP, NULL, 0, NULL, 0, -1);
    assert(*ws >= 0);
    *raw = p[1];
}

/* Both ends ours: a client and a server over an ipc_pair, no HTTP. */
static inline void ws_pair(int flags, int *c, int *s) {
    int p[2];
    assert(ipc_pair(p) == 0);
    *c = ws_attach_client(p[0], flags | WS_NOHTTP, NULL, NULL, -1);
    assert(*c >= 0);
    *s = ws_attach_server(p[1], flags | WS_NOHTTP, NULL, 0, NULL, 0, -1);
    assert(*s >= 0);
}

/* Reads the close frame our side sent in answer to a protocol violation:
   status 1002. */
static inline void expect_close(int raw, int status) {
    int b0, masked;
    uint8_t p[125];
    size_t n = raw_read(raw, &b0, &masked, p, sizeof(p));
    assert(b0 == (0x80 | OP_CLOSE));
    assert(n == 2 && (p[0] << 8 | p[1]) == status);
}

#endif
