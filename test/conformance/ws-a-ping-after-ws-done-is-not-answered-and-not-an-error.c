/* After ws_done (our close frame sent) the receiving side goes on: a ping
   from the peer, which may still send until its own close frame, is not
   answered (nothing may follow our close frame) and is no error; the
   messages and the close frame after it come through.  Upstream libdill
   fails the receive with EPROTO on any ping or pong (it does not take
   control frames other than close at all); we take them. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

int main(void) {
    for(int client = 0; client < 2; client++) {
        int ws, raw, fl, b0, masked, st;
        char buf[32];
        uint8_t p[125];
        ws_raw_pair(client, 0, &ws, &raw);
        const uint8_t *k = client ? NULL : KEY;
        assert(ws_done(ws, 1000, NULL, 0, -1) == 0);
        assert(raw_read(raw, &b0, &masked, p, sizeof(p)) == 2 && b0 == (0x80 | OP_CLOSE));
        raw_frame(raw, 1, OP_PING, k, "ping", 4);
        raw_frame(raw, 1, OP_PONG, k, "pong", 4);
        raw_frame(raw, 1, OP_TEXT, k, "still here", 10);
        uint8_t c[2] = {1001 >> 8, 1001 & 0xff};
        raw_frame(raw, 1, OP_CLOSE, k, c, 2);
        assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == 10 && fl == WS_TEXT);
        assert(memcmp(buf, "still here", 10) == 0);
        assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
        assert(ws_status(ws, &st, NULL, 0) == 0 && st == 1001);
        assert(hclose(ws) == 0);
        /* Nothing after our close frame. */
        assert(brecv(raw, buf, 1, now() + 1000) == -1 && errno == EPIPE);
        assert(hclose(raw) == 0);
    }
    return 0;
}
