/* A server that answers the opening handshake with another status than
   101 Switching Protocols (200, 400, 404) makes ws_attach_client fail with
   EPROTO and close the socket: the server sees the end of the stream.
   Upstream libdill fails with EPROTO too but leaves the socket open with
   no handle left to close it (a leak: the server never sees the end of the
   stream); we close it, as after every other failed attach. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

static int client_rc, client_err;
coroutine void client(int s) {
    client_rc = ws_attach_client(s, 0, "/", "host", now() + 5000);
    client_err = errno;
}

int main(void) {
    const char *resp[] = {
        "HTTP/1.1 200 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "HTTP/1.1 400 Bad Request\r\n\r\n",
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
    };
    for(int i = 0; i < 3; i++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        int h = go(client(p[0]));
        /* The request, up to its blank line. */
        char b[4] = {0};
        while(memcmp(b, "\r\n\r\n", 4) != 0) {
            memmove(b, b + 1, 3);
            assert(brecv(p[1], b + 3, 1, now() + 5000) == 0);
        }
        assert(bsend(p[1], resp[i], strlen(resp[i]), -1) == 0);
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
