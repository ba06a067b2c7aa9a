/* A protocol on top of a WebSocket: TERM over WebSocket over ipc_pair,
   messages both ways through msend/mrecv, term_done and term_detach on
   both sides hand the WebSockets back, which go on (the terminal messages
   were binary frames).  Upstream libdill fails here: TERM's mrecv over its
   WebSocket gives EINVAL, whichever side receives (the list TERM passes
   down is refused); we carry the messages. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

int main(void) {
    for(int dir = 0; dir < 2; dir++) {
        int c2, s2, fl;
        char tb[16];
        ws_pair(WS_BINARY, &c2, &s2);
        int tc = term_attach(c2, "END", 3), ts = term_attach(s2, "END", 3);
        assert(tc >= 0 && ts >= 0);
        int x = dir ? ts : tc, y = dir ? tc : ts;
        assert(msend(x, "over ws", 7, -1) == 0);
        assert(mrecv(y, tb, sizeof(tb), -1) == 7 && memcmp(tb, "over ws", 7) == 0);
        assert(term_done(x, -1) == 0);
        assert(mrecv(y, tb, sizeof(tb), -1) == -1 && errno == EPIPE);
        assert(term_done(y, -1) == 0);
        c2 = term_detach(tc, now() + 5000);
        assert(c2 >= 0);
        s2 = term_detach(ts, now() + 5000);
        assert(s2 >= 0);
        assert(ws_send(s2, WS_TEXT, "ws again", 8, -1) == 0);
        assert(ws_recv(c2, &fl, tb, sizeof(tb), -1) == 8 && fl == WS_TEXT);
        assert(memcmp(tb, "ws again", 8) == 0);
        hclose(c2);
        hclose(s2);
    }
    return 0;
}
