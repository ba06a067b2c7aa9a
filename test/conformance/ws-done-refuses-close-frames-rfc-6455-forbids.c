/* ws_done and ws_detach refuse with EINVAL, sending nothing, the close
   frames RFC 6455 forbids an endpoint to send: the statuses 1005, 1006 and
   1015 (7.4.1: "MUST NOT be set as a status code in a Close control
   frame by an endpoint"), a reason without a status (a close frame's body
   starts with a 2-byte status: a lone reason cannot be read), and a reason
   over 123 bytes (a control frame carries at most 125).  Upstream libdill
   sends them all: the forbidden statuses as given, the reason alone as
   the whole body, a longer reason in a frame with a 16-bit length, which
   no control frame may have; we refuse them. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

int main(void) {
    int c, s, fl, st;
    char buf[200], reason[124];
    memset(reason, 'r', sizeof(reason));
    ws_pair(0, &c, &s);
    int bad[] = {1005, 1006, 1015};
    for(int i = 0; i < 3; i++) {
        assert(ws_done(c, bad[i], NULL, 0, -1) == -1 && errno == EINVAL);
        assert(ws_done(s, bad[i], "why", 3, -1) == -1 && errno == EINVAL);
    }
    assert(ws_done(c, 0, "why", 3, -1) == -1 && errno == EINVAL);
    assert(ws_done(c, 1000, reason, 124, -1) == -1 && errno == EINVAL);
    assert(ws_done(s, 1000, reason, 200, -1) == -1 && errno == EINVAL);
    /* Nothing went out: the sockets go on. */
    assert(ws_send(c, WS_TEXT, "still", 5, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 5);
    assert(ws_done(c, 1000, reason, 123, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    assert(ws_status(s, &st, NULL, 0) == 123 && st == 1000);
    hclose(c);
    hclose(s);
    /* ws_detach likewise, the socket left open. */
    for(int i = 0; i < 3; i++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        c = ws_attach_client(p[0], WS_NOHTTP, NULL, NULL, -1);
        assert(c >= 0);
        assert(ws_detach(c, bad[i], NULL, 0, -1) == -1 && errno == EINVAL);
        assert(brecv(p[1], buf, 1, 0) == -1 && errno == ETIMEDOUT);
        hclose(c);
        hclose(p[1]);
    }
    return 0;
}
