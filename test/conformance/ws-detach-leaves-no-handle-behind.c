/* After a successful ws_detach the WebSocket's handle is gone: hclose,
   ws_send and ws_status on it fail with EBADF, and the socket handed back
   works.  Upstream libdill leaves the handle in place (ws_send on it gives
   EPIPE, ws_status still answers) and crashes when it is closed (a
   segmentation fault: the socket under it was handed back); we drop it. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

static int dres;
coroutine void detacher(int ws) {
    dres = ws_detach(ws, 1000, NULL, 0, now() + 5000);
}

int main(void) {
    int c, s, st;
    ws_pair(0, &c, &s);
    int h = go(detacher(s));
    int u = ws_detach(c, 1000, NULL, 0, now() + 5000);
    assert(u >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    assert(hclose(h) == 0);
    assert(dres >= 0);
    assert(ws_send(c, WS_TEXT, "x", 1, -1) == -1 && errno == EBADF);
    assert(ws_status(s, &st, NULL, 0) == -1 && errno == EBADF);
    assert(hclose(c) == -1 && errno == EBADF);
    assert(hclose(s) == -1 && errno == EBADF);
    char buf[4];
    assert(bsend(u, "raw!", 4, -1) == 0);
    assert(brecv(dres, buf, 4, -1) == 0 && memcmp(buf, "raw!", 4) == 0);
    assert(hclose(u) == 0 && hclose(dres) == 0);
    return 0;
}
