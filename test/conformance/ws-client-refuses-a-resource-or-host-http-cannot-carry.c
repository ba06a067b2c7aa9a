/* ws_attach_client fails with EINVAL, sending nothing and closing the
   socket, for a resource or a host that HTTP cannot carry: an empty
   resource, control characters in either (DEL, 0x01), a line break in the
   host.  Upstream libdill sends them as they are: "GET  HTTP/1.1" for an
   empty resource, raw control characters, and a line break in the host
   that adds a header field of the caller's making (header injection); we
   refuse them. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    const char *bad[][2] = {{"", "host"}, {"/\x7f", "host"}, {"/\x01", "host"},
        {"/", "ho\r\nX-Injected: 1"}, {"/", "h\x01"}, {"/", "h\x7f"}};
    for(int i = 0; i < 6; i++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        assert(ws_attach_client(p[0], 0, bad[i][0], bad[i][1], now() + 1000) == -1);
        assert(errno == EINVAL);
        char x;
        assert(brecv(p[1], &x, 1, now() + 1000) == -1 && errno == EPIPE);
        assert(hclose(p[1]) == 0);
    }
    return 0;
}
