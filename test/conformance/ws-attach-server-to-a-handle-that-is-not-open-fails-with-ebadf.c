/* ws_attach_server and ws_attach_server_mem given a handle number that is
   not open (never was, or was closed) fail with EBADF, with or without the
   HTTP handshake, as ws_attach_client does.  Upstream libdill crashes here
   for any such number that is not negative (an assertion fails: `rc == 0`
   in ws.c:296, closing the handle that is not there); we return EBADF. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    char buf[16], host[16];
    struct ws_storage mem;
    int p[2];
    assert(ipc_pair(p) == 0);
    assert(hclose(p[0]) == 0);
    int bad[] = {12345, p[0]};
    for(int i = 0; i < 2; i++) {
        int h = bad[i];
        assert(ws_attach_server(h, WS_NOHTTP, NULL, 0, NULL, 0, -1) == -1 && errno == EBADF);
        assert(ws_attach_server_mem(h, WS_NOHTTP, NULL, 0, NULL, 0, &mem, -1) == -1 &&
            errno == EBADF);
        assert(ws_attach_server(h, 0, buf, sizeof(buf), host, sizeof(host), -1) == -1 &&
            errno == EBADF);
        assert(ws_attach_client(h, WS_NOHTTP, NULL, NULL, -1) == -1 && errno == EBADF);
    }
    assert(hclose(p[1]) == 0);
    return 0;
}
