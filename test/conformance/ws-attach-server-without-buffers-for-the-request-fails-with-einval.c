/* ws_attach_server with the HTTP handshake needs buffers for the resource
   and the host the client asks for: a NULL one or one of size 0 fails with
   EINVAL before anything is read, and the socket is closed as after any
   failed attach.  (With WS_NOHTTP they are not used and may be NULL.)
   Upstream libdill crashes here when the request comes (it writes the
   resource through the NULL pointer: a segmentation fault), or, for a
   resource buffer of size 0, accepts the handshake having written the
   resource nowhere; we return EINVAL. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static const char req[] = "GET /chat HTTP/1.1\r\nHost: example.com\r\n"
    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

int main(void) {
    char buf[16], host[16];
    for(int i = 0; i < 4; i++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        assert(bsend(p[1], req, sizeof(req) - 1, -1) == 0);
        int rc = i == 0 ? ws_attach_server(p[0], 0, NULL, 10, host, sizeof(host), -1) :
                 i == 1 ? ws_attach_server(p[0], 0, buf, sizeof(buf), NULL, 10, -1) :
                 i == 2 ? ws_attach_server(p[0], 0, buf, 0, host, sizeof(host), -1) :
                          ws_attach_server(p[0], 0, buf, sizeof(buf), host, 0, -1);
        assert(rc == -1 && errno == EINVAL);
        assert(hclose(p[0]) == -1 && errno == EBADF);
        assert(brecv(p[1], buf, 1, -1) == -1 && errno == ECONNRESET);
        assert(hclose(p[1]) == 0);
    }
    return 0;
}
