/* A server reads the reason in a client's close frame (masked, as every
   client frame is) as the client wrote it: ws_status gives the status and
   the reason, our client against our server and a raw client alike.
   Upstream libdill gets the status right but unmasks the reason with the
   wrong key bytes (the text is garbage); we unmask it whole. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

int main(void) {
    int c, s, fl, st;
    char buf[128];
    ws_pair(0, &c, &s);
    assert(ws_done(c, 1001, "client leaves", 13, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    assert(ws_status(s, &st, buf, sizeof(buf)) == 13);
    assert(st == 1001 && memcmp(buf, "client leaves", 13) == 0);
    hclose(c);
    hclose(s);

    /* A raw client, reasons of every length up to 123 bytes. */
    for(size_t len = 1; len <= 123; len += 7) {
        int ws, raw;
        ws_raw_pair(0, 0, &ws, &raw);
        uint8_t p[125] = {4000 >> 8, 4000 & 0xff};
        for(size_t i = 0; i < len; i++) p[2 + i] = (uint8_t)('a' + i % 26);
        raw_frame(raw, 1, OP_CLOSE, KEY, p, 2 + len);
        assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
        assert(ws_status(ws, &st, buf, sizeof(buf)) == (ssize_t)len && st == 4000);
        assert(memcmp(buf, p + 2, len) == 0);
        hclose(ws);
        hclose(raw);
    }
    return 0;
}
