/* ws_detach sends its close frame, then reads and drops the peer's messages
   until the peer's close frame: against a peer (a coroutine of this program)
   that never stops sending messages, it fails with ETIMEDOUT at its
   deadline and, as upstream, leaves the socket open for the caller to
   close (the peer's next send then fails with ECONNRESET), and the other coroutines keep running while it drains (a
   5 ms ticker ticks meanwhile). */
#include <assert.h>
#include <string.h>
#include "flood-helpers.h"

coroutine static void flooder(int s) {
    int ws = ws_attach_server(s, WS_BINARY | WS_NOHTTP, NULL, 0, NULL, 0, -1);
    assert(ws >= 0);
    flood(ws, 1);
    assert(hclose(ws) == 0);
}

int main(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, flooder(p[1])) == 0);
    assert(bundle_go(b, ticker()) == 0);
    int ws = ws_attach_client(p[0], WS_BINARY | WS_NOHTTP, NULL, NULL, -1);
    assert(ws >= 0);
    int64_t t0 = now();
    assert(ws_detach(ws, 1000, NULL, 0, t0 + 100) == -1 && errno == ETIMEDOUT);
    int64_t took = now() - t0;
    assert(took >= 95 && took < 1000);
    assert(flood_sent > 0);
    assert(ticks >= 3);
    /* As upstream, a failed ws_detach leaves the socket open: the caller
       closes it, and the flooder's next send finds it gone. */
    assert(hclose(ws) == 0);
    expect_flooder_reset();
    assert(hclose(b) == 0);
    return 0;
}
