/*
 * SHA-1 (FIPS 180-4) and base64 (RFC 4648): just what the WebSocket key
 * exchange needs.  SHA-1 is not used for anything where its weakness to
 * collisions matters: RFC 6455 uses it only to prove that the server read
 * the client's key.
 */
#include <string.h>

#include "sha1.h"

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
