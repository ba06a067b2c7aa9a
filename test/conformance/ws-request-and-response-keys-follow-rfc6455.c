/* ws_request_key gives 24 characters of base64 (16 random bytes), fresh
   each time; ws_response_key gives RFC 6455's answer (the example of its
   section 1.3, and SHA-1 test vectors through it), EINVAL for NULL and
   EPROTO for keys that are not base64. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include <libdill.h>

static int b64char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int main(void) {
    char k[WS_KEY_SIZE], r[WS_KEY_SIZE];
    assert(WS_KEY_SIZE >= 29);

    /* RFC 6455 1.3. */
    assert(ws_response_key("dGhlIHNhbXBsZSBub25jZQ==", r) == 0);
    assert(strcmp(r, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == 0);
    /* Computed independently (Node: base64(sha1(key + GUID))). */
    assert(ws_response_key("AAAAAAAAAAAAAAAAAAAAAA==", r) == 0);
    assert(strcmp(r, "ICX+Yqv66kxgM0FcWaLWlFLwTAI=") == 0);
    assert(ws_response_key("/////////////////////w==", r) == 0);
    assert(strcmp(r, "XXpj4jYzLM2yUE0C7TIgMwTQh2g=") == 0);

    /* Request keys: the base64 of 16 bytes, all different. */
    static char seen[200][WS_KEY_SIZE];
    for(int i = 0; i < 200; i++) {
        memset(k, 'x', sizeof(k));
        assert(ws_request_key(k) == 0);
        assert(strlen(k) == 24);
        assert(k[22] == '=' && k[23] == '=');
        for(int j = 0; j < 22; j++) assert(b64char(k[j]));
        /* 16 bytes: the last character before the padding carries 2 bits. */
        assert(strchr("AQgw", k[21]));
        for(int j = 0; j < i; j++) assert(strcmp(seen[j], k) != 0);
        strcpy(seen[i], k);
        /* Every request key has a response key. */
        assert(ws_response_key(k, r) == 0);
        assert(strlen(r) == 28 && r[27] == '=');
    }

    /* EINVAL */
    assert(ws_request_key(NULL) == -1 && errno == EINVAL);
    assert(ws_response_key(NULL, r) == -1 && errno == EINVAL);
    assert(ws_response_key("dGhlIHNhbXBsZSBub25jZQ==", NULL) == -1 && errno == EINVAL);

    /* EPROTO: not base64 (keys that are base64 but not of 16 bytes, which
       upstream takes: ws-response-key-refuses-keys-that-are-not-16-bytes-of-base64.c). */
    const char *bad[] = {
        "",
        "x",
        "dGhlIHNhbXBsZSBub25jZQAA",       /* 18 bytes, no padding */
        "dGhlIHNhbXBsZSBub25jZ===",       /* three '=' */
        "dGhlIHNhbXBsZSBub25j=Q==",       /* '=' inside */
        "dGhlIHNhbXBsZSBub25jZ*==",       /* not base64 */
        "the sample nonce!!!!!!==",
    };
    for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errno = 0;
        assert(ws_response_key(bad[i], r) == -1 && errno == EPROTO);
    }
    return 0;
}
