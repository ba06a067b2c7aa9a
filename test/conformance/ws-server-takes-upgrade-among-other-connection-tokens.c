/* ws_attach_server takes a Connection field that lists "Upgrade" among
   other tokens, in any case and spacing, as RFC 6455 4.2.1 allows and
   browsers send it (Firefox: "Connection: keep-alive, Upgrade"); the
   handshake completes and a message follows.  Upstream libdill refuses it
   (EPROTO: it compares the whole value with "Upgrade"), so Firefox cannot
   connect to it; we look for the token. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

int main(void) {
    const char *values[] = {"keep-alive, Upgrade", "Upgrade, keep-alive",
        "keep-alive,upgrade", "close ,  UPGRADE  "};
    for(int i = 0; i < 4; i++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        char req[512];
        strcpy(req, "GET /s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: ");
        strcat(req, values[i]);
        strcat(req, "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n");
        assert(bsend(p[1], req, strlen(req), -1) == 0);
        raw_frame(p[1], 1, OP_TEXT, KEY, "hi", 2);
        char resource[16], host[16];
        int s = ws_attach_server(p[0], 0, resource, sizeof(resource), host,
            sizeof(host), now() + 5000);
        assert(s >= 0);
        char buf[8];
        int fl;
        assert(ws_recv(s, &fl, buf, sizeof(buf), now() + 5000) == 2);
        assert(memcmp(buf, "hi", 2) == 0);
        hclose(s);
        hclose(p[1]);
    }
    return 0;
}
