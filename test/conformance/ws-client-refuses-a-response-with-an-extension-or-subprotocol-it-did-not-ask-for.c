/* ws_attach_client asks for no extension and no subprotocol; a 101
   response that names one anyway (Sec-WebSocket-Extensions:
   permessage-deflate, Sec-WebSocket-Protocol: chat), correct otherwise,
   makes it fail with EPROTO and close the socket, as RFC 6455 4.1 requires
   of a client ("MUST _Fail the WebSocket Connection_").  Upstream libdill
   ignores those fields and attaches (its frames would then not be what
   the server expects); we refuse. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "libdill.h"

static int client_rc, client_err;
coroutine void client(int s) {
    client_rc = ws_attach_client(s, 0, "/", "host", now() + 5000);
    client_err = errno;
}

int main(void) {
    const char *extra[] = {
        "Sec-WebSocket-Extensions: permessage-deflate\r\n",
        "Sec-WebSocket-Protocol: chat\r\n",
    };
    for(int i = 0; i < 2; i++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        int h = go(client(p[0]));
        char head[1024];
        size_t n = 0;
        while(n < 4 || memcmp(head + n - 4, "\r\n\r\n", 4) != 0) {
            assert(n + 1 < sizeof(head));
            assert(brecv(p[1], head + n, 1, now() + 5000) == 0);
            n++;
        }
        head[n] = 0;
        char key[64], accept[WS_KEY_SIZE], resp[512];
        char *k = strstr(head, "Sec-WebSocket-Key: ");
        assert(k && sscanf(k + 19, "%63[^\r]", key) == 1);
        assert(ws_response_key(key, accept) == 0);
        snprintf(resp, sizeof(resp), "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n"
            "%s\r\n", accept, extra[i]);
        assert(bsend(p[1], resp, strlen(resp), -1) == 0);
        assert(bundle_wait(h, now() + 5000) == 0);
        assert(hclose(h) == 0);
        assert(client_rc == -1 && client_err == EPROTO);
        char x;
        int rc = brecv(p[1], &x, 1, now() + 5000);
        assert(rc == -1 && (errno == EPIPE || errno == ECONNRESET));
        assert(hclose(p[1]) == 0);
    }
    return 0;
}
