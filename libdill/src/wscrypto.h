/* Internal: the cryptography of the WebSocket (ws.c): SHA-1 and base64 for
   the handshake keys, random bytes for the keys and the masking keys. */
#ifndef DILL_WSCRYPTO_H_INCLUDED
#define DILL_WSCRYPTO_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

/* The 20-byte SHA-1 digest (RFC 3174) of the concatenation of a and b. */
void dill__sha1(const void *a, size_t alen, const void *b, size_t blen,
    uint8_t digest[20]);

/* Writes the padded base64 (RFC 4648) of len bytes and a terminating NUL to
   out, which must hold 4 * ((len + 2) / 3) + 1 bytes. */
void dill__base64(const uint8_t *in, size_t len, char *out);

/* Decodes padded base64 into out (room for outlen bytes); the number of
   bytes, or -1 if the text is not well-formed padded base64 or does not
   fit. */
int dill__unbase64(const char *in, size_t len, uint8_t *out, size_t outlen);

/* Fills buf with len unpredictable bytes; 0, or -1 with errno if the
   system has no entropy to give. */
int dill__random(void *buf, size_t len);

#endif
