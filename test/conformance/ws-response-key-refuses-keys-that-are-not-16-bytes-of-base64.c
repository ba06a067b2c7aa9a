/* ws_response_key refuses with EPROTO a key that is not exactly the base64
   of 16 bytes (24 characters, "==" at the end), as RFC 6455 4.2.1 asks a
   server to: 23 or 25 characters, a trailing space, two keys end to end,
   bits set beyond the 16 bytes, bytes that are not base64 before the
   padding; and ws_attach_server answers a handshake with such a key with
   400 and fails with EPROTO.  Upstream libdill computes an answer for all
   of these (and accepts the handshake); we refuse them. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

int main(void) {
    char r[WS_KEY_SIZE];
    const char *bad[] = {
        "dGhlIHNhbXBsZSBub25jZQ=",        /* 23 characters */
        "dGhlIHNhbXBsZSBub25jZQ===",      /* 25 */
        "dGhlIHNhbXBsZSBub25jZQ== ",      /* trailing space */
        "dGhlIHNhbXBsZSBub25jZQ==dGhlIHNhbXBsZSBub25jZQ==",
        "dGhlIHNhbXBsZSBub25jZR==",       /* bits beyond the 16 bytes */
        "dGhlIHNhbXBsZSBu\x80\x81\x82\x83\x84\x85==",
    };
    for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errno = 0;
        assert(ws_response_key(bad[i], r) == -1 && errno == EPROTO);
    }
    int p[2];
    assert(ipc_pair(p) == 0);
    const char *req = "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZR==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n";
    assert(bsend(p[1], req, strlen(req), -1) == 0);
    char resource[16], host[16];
    assert(ws_attach_server(p[0], 0, resource, sizeof(resource), host, sizeof(host),
        now() + 5000) == -1 && errno == EPROTO);
    char head[13];
    assert(brecv(p[1], head, 13, now() + 5000) == 0 && memcmp(head, "HTTP/1.1 400 ", 13) == 0);
    assert(hclose(p[1]) == 0);
    return 0;
}
