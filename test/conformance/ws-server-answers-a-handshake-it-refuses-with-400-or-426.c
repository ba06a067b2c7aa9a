/* ws_attach_server answers an opening handshake it refuses before failing
   with EPROTO and closing the socket, as RFC 6455 4.2.1 and 4.4 require:
   "HTTP/1.1 400 Bad Request" for a request that is not a WebSocket
   handshake (not GET, no Host, no Upgrade or Connection, a key missing or
   malformed, a malformed request line or field), "HTTP/1.1 426 Upgrade
   Required" with "Sec-WebSocket-Version: 13" for another version.
   Upstream libdill answers nothing (it closes the socket), and takes a
   request without Host; we answer, and refuse that one. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "libdill.h"

static int server_rc, server_err;
static char resource[16], host[16];
coroutine void server(int s) {
    server_rc = ws_attach_server(s, 0, resource, sizeof(resource), host,
        sizeof(host), now() + 5000);
    server_err = errno;
}

#define GOOD_KEY "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
#define GOOD_REST "Host: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" \
    "Sec-WebSocket-Version: 13\r\n"

static void refused(const char *req, int status) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int h = go(server(p[0]));
    assert(bsend(p[1], req, strlen(req), -1) == 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    assert(hclose(h) == 0);
    assert(server_rc == -1 && server_err == EPROTO);
    /* The whole answer, up to the end of the stream. */
    char head[512];
    size_t n = 0;
    int rc;
    while((rc = brecv(p[1], head + n, 1, now() + 5000)) == 0) {
        assert(n + 1 < sizeof(head));
        n++;
    }
    assert(rc == -1 && (errno == EPIPE || errno == ECONNRESET));
    head[n] = 0;
    char line[64];
    snprintf(line, sizeof(line), "HTTP/1.1 %d ", status);
    assert(strncmp(head, line, strlen(line)) == 0);
    assert(n >= 4 && memcmp(head + n - 4, "\r\n\r\n", 4) == 0);
    if(status == 426) assert(strstr(head, "\r\nSec-WebSocket-Version: 13\r\n"));
    assert(hclose(p[1]) == 0);
}

int main(void) {
    refused("POST /r HTTP/1.1\r\n" GOOD_REST GOOD_KEY "\r\n", 400);
    refused("GET /r HTTP/1.1\r\n" GOOD_REST "\r\n", 400);
    refused("GET /r HTTP/1.1\r\n" GOOD_REST "Sec-WebSocket-Key: c2hvcnQ=\r\n\r\n", 400);
    refused("GET /r HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 13\r\n" GOOD_KEY "\r\n", 400);
    refused("GET /r HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 13\r\n" GOOD_KEY "\r\n", 400);
    refused("GET /r HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
        "Sec-WebSocket-Version: 13\r\n" GOOD_KEY "\r\n", 400);
    refused("GET /r\r\n\r\n", 400);
    refused("GET /r HTTP/1.1\r\n" GOOD_REST "Bad Field: x\r\n" GOOD_KEY "\r\n", 400);
    refused("GET /r HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 8\r\n" GOOD_KEY "\r\n", 426);
    return 0;
}
