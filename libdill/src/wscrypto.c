/*
 * The cryptography of the WebSocket: SHA-1 (FIPS 180-4) and base64 (RFC
 * 4648), just what the key exchange needs (SHA-1's weakness to collisions
 * does not matter there: RFC 6455 uses it only to prove that the server read
 * the client's key), and a random generator for the keys and the masking
 * keys that RFC 6455 wants unpredictable.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "wscrypto.h"

static uint32_t dill__rol(uint32_t x, int n) {
    return (x << n) | (x >> (32 - n));
}

static void dill__sha1_block(uint32_t h[5], const uint8_t *p) {
    uint32_t w[80];
    for(int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
            (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for(int i = 16; i < 80; i++)
        w[i] = dill__rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for(int i = 0; i < 80; i++) {
        uint32_t f, k;
        if(i < 20) {f = (b & c) | (~b & d); k = 0x5a827999;}
        else if(i < 40) {f = b ^ c ^ d; k = 0x6ed9eba1;}
        else if(i < 60) {f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc;}
        else {f = b ^ c ^ d; k = 0xca62c1d6;}
        uint32_t t = dill__rol(a, 5) + f + e + k + w[i];
        e = d; d = c; c = dill__rol(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

void dill__sha1(const void *a, size_t alen, const void *b, size_t blen,
      uint8_t digest[20]) {
    uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
        0xc3d2e1f0};
    uint8_t block[64];
    size_t fill = 0;
    const uint8_t *parts[2] = {a, b};
    size_t lens[2] = {alen, blen};
    for(int k = 0; k < 2; k++) {
        for(size_t i = 0; i < lens[k]; i++) {
            block[fill++] = parts[k][i];
            if(fill == 64) {dill__sha1_block(h, block); fill = 0;}
        }
    }
    /* Padding: a 1 bit, zeros, then the length in bits, big-endian. */
    uint64_t bits = ((uint64_t)alen + blen) * 8;
    block[fill++] = 0x80;
    if(fill > 56) {
        memset(block + fill, 0, 64 - fill);
        dill__sha1_block(h, block);
        fill = 0;
    }
    memset(block + fill, 0, 56 - fill);
    for(int i = 0; i < 8; i++) block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    dill__sha1_block(h, block);
    for(int i = 0; i < 5; i++) {
        digest[4 * i] = (uint8_t)(h[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(h[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(h[i] >> 8);
        digest[4 * i + 3] = (uint8_t)h[i];
    }
}

static const char dill__b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void dill__base64(const uint8_t *in, size_t len, char *out) {
    size_t i = 0;
    for(; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *out++ = dill__b64[v >> 18];
        *out++ = dill__b64[(v >> 12) & 63];
        *out++ = dill__b64[(v >> 6) & 63];
        *out++ = dill__b64[v & 63];
    }
    if(len - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        *out++ = dill__b64[v >> 18];
        *out++ = dill__b64[(v >> 12) & 63];
        *out++ = '=';
        *out++ = '=';
    } else if(len - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        *out++ = dill__b64[v >> 18];
        *out++ = dill__b64[(v >> 12) & 63];
        *out++ = dill__b64[(v >> 6) & 63];
        *out++ = '=';
    }
    *out = 0;
}

static int dill__b64val(char c) {
    if(c >= 'A' && c <= 'Z') return c - 'A';
    if(c >= 'a' && c <= 'z') return c - 'a' + 26;
    if(c >= '0' && c <= '9') return c - '0' + 52;
    if(c == '+') return 62;
    if(c == '/') return 63;
    return -1;
}

int dill__unbase64(const char *in, size_t len, uint8_t *out, size_t outlen) {
    if(len % 4) return -1;
    size_t n = 0;
    for(size_t i = 0; i < len; i += 4) {
        int v[4], pad = 0;
        for(int k = 0; k < 4; k++) {
            /* '=' only at the end: the last one or two characters. */
            if(in[i + k] == '=' && i + 4 == len && k >= 2) {
                if(k == 2 && in[i + 3] != '=') return -1;
                v[k] = 0;
                pad++;
                continue;
            }
            v[k] = dill__b64val(in[i + k]);
            if(v[k] < 0) return -1;
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
            (uint32_t)v[2] << 6 | (uint32_t)v[3];
        /* Bits that padding drops must be zero (canonical encoding). */
        if((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff))) return -1;
        if(n + 3 - pad > outlen) return -1;
        out[n++] = (uint8_t)(w >> 16);
        if(pad < 2) out[n++] = (uint8_t)(w >> 8);
        if(pad < 1) out[n++] = (uint8_t)w;
    }
    return (int)n;
}

/*
 * Random bytes: the ChaCha20 keystream (RFC 8439) under a key from
 * getentropy, with fast key erasure (the first 32 bytes of every batch
 * replace the key, so earlier output cannot be recomputed from the state),
 * and a fresh key from getentropy every DILL__RANDOM_RESEED batches.
 * getentropy itself is far too slow for a key per frame: Emscripten's asks
 * the JS crypto API for one byte at a time (about 2 us each under Node).
 */
#define DILL__RANDOM_BLOCKS 16
#define DILL__RANDOM_RESEED 4096

static uint32_t dill__random_key[8];
static uint8_t dill__random_out[64 * DILL__RANDOM_BLOCKS];
static size_t dill__random_pos = sizeof(dill__random_out);
static unsigned dill__random_batches;

#define DILL__QR(a, b, c, d) \
    a += b; d ^= a; d = dill__rol(d, 16); \
    c += d; b ^= c; b = dill__rol(b, 12); \
    a += b; d ^= a; d = dill__rol(d, 8); \
    c += d; b ^= c; b = dill__rol(b, 7)

/* One 64-byte ChaCha20 block of `key` for block counter `counter` (the
   nonce is zero: every key is used once). */
static void dill__chacha20(const uint32_t key[8], uint32_t counter,
      uint8_t out[64]) {
    uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
        key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
        counter, 0, 0, 0};
    uint32_t x[16];
    memcpy(x, in, sizeof(x));
    for(int i = 0; i < 10; i++) {
        DILL__QR(x[0], x[4], x[8], x[12]);
        DILL__QR(x[1], x[5], x[9], x[13]);
        DILL__QR(x[2], x[6], x[10], x[14]);
        DILL__QR(x[3], x[7], x[11], x[15]);
        DILL__QR(x[0], x[5], x[10], x[15]);
        DILL__QR(x[1], x[6], x[11], x[12]);
        DILL__QR(x[2], x[7], x[8], x[13]);
        DILL__QR(x[3], x[4], x[9], x[14]);
    }
    for(int i = 0; i < 16; i++) {
        uint32_t v = x[i] + in[i];
        out[4 * i] = (uint8_t)v;
        out[4 * i + 1] = (uint8_t)(v >> 8);
        out[4 * i + 2] = (uint8_t)(v >> 16);
        out[4 * i + 3] = (uint8_t)(v >> 24);
    }
}

static int dill__random_refill(void) {
    if(dill__random_batches % DILL__RANDOM_RESEED == 0) {
        if(getentropy(dill__random_key, sizeof(dill__random_key)) < 0) return -1;
    }
    dill__random_batches++;
    for(uint32_t i = 0; i < DILL__RANDOM_BLOCKS; i++)
        dill__chacha20(dill__random_key, i, dill__random_out + 64 * i);
    memcpy(dill__random_key, dill__random_out, sizeof(dill__random_key));
    memset(dill__random_out, 0, sizeof(dill__random_key));
    dill__random_pos = sizeof(dill__random_key);
    return 0;
}

int dill__random(void *buf, size_t len) {
    uint8_t *p = buf;
    while(len) {
        if(dill__random_pos == sizeof(dill__random_out) &&
              dill__random_refill() < 0)
            return -1;
        size_t n = sizeof(dill__random_out) - dill__random_pos;
        if(n > len) n = len;
        memcpy(p, dill__random_out + dill__random_pos, n);
        /* Bytes handed out are wiped: they exist only where they went. */
        memset(dill__random_out + dill__random_pos, 0, n);
        dill__random_pos += n;
        p += n;
        len -= n;
    }
    return 0;
}
