/* Frames out of sequence and a length no frame can have fail the receive
   with EPROTO, as RFC 6455 5.4 and 5.2 require: a continuation frame with
   no message started (final or not), a new text or binary frame while a
   message is fragmented, a 64-bit length with its top bit set.  Upstream
   libdill takes a lone final continuation frame as a message, merges a new
   message into the fragmented one, and waits for the 2^63 bytes announced
   (then ECONNRESET); we fail with EPROTO. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

static void violation(int client, const uint8_t *bytes, size_t len) {
    int ws, raw, fl;
    char buf[256];
    ws_raw_pair(client, 0, &ws, &raw);
    assert(bsend(raw, bytes, len, -1) == 0);
    assert(ws_recv(ws, &fl, buf, sizeof(buf), now() + 1000) == -1 && errno == EPROTO);
    assert(hclose(ws) == 0);
    assert(hclose(raw) == 0);
}

int main(void) {
    for(int client = 0; client < 2; client++) {
        const uint8_t *k = client ? NULL : KEY;
        uint8_t b[64];
        size_t n = frame_ex(b, 0x80 | OP_CONT, k, "cont", 4, LEN_MINIMAL);
        violation(client, b, n);
        n = frame_ex(b, OP_CONT, k, "cont", 4, LEN_MINIMAL);
        violation(client, b, n);
        n = frame_ex(b, OP_TEXT, k, "frag", 4, LEN_MINIMAL);
        n += frame_ex(b + n, 0x80 | OP_BIN, k, "new", 3, LEN_MINIMAL);
        violation(client, b, n);
        n = frame_ex(b, OP_BIN, k, "frag", 4, LEN_MINIMAL);
        n += frame_ex(b + n, 0x80 | OP_TEXT, k, "new", 3, LEN_MINIMAL);
        violation(client, b, n);
        uint8_t top[14] = {0x82, client ? 127 : 0x80 | 127,
            0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4};
        violation(client, top, client ? 10 : 14);
    }
    return 0;
}
