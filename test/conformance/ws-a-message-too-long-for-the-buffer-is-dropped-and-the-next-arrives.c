/* A message too long for the receive buffer fails with EMSGSIZE and is
   dropped whole (whatever its length: a frame of 19 bytes, one of 70000,
   a fragmented one): the next message arrives intact, through ws_recv,
   ws_recvl and mrecvl.  mrecvl with no list at all drops a message and
   tells its length.  Upstream libdill leaves the rest of the message in
   the stream, so that the next receive reads it as a frame header and
   fails with EPROTO (the socket is lost), and mrecvl with no list reads a
   frame header and fails with EFAULT; we drop the message. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

int main(void) {
    static char big[70000];
    memset(big, 'b', sizeof(big));
    char buf[16];
    int fl;
    for(int dir = 0; dir < 2; dir++) {
        int c, s;
        ws_pair(0, &c, &s);
        int x = dir ? s : c, y = dir ? c : s;
        assert(ws_send(x, WS_BINARY, "0123456789abcdefXYZ", 19, -1) == 0);
        assert(ws_send(x, WS_BINARY, "next", 4, -1) == 0);
        assert(ws_recv(y, &fl, buf, sizeof(buf), -1) == -1 && errno == EMSGSIZE);
        assert(ws_recv(y, &fl, buf, sizeof(buf), -1) == 4 && memcmp(buf, "next", 4) == 0);
        assert(ws_send(x, WS_BINARY, big, sizeof(big), -1) == 0);
        assert(ws_send(x, WS_TEXT, "after", 5, -1) == 0);
        struct iolist h2 = {buf + 4, 5, NULL, 0};
        struct iolist h1 = {buf, 4, &h2, 0};
        assert(ws_recvl(y, &fl, &h1, &h2, -1) == -1 && errno == EMSGSIZE);
        assert(ws_recvl(y, &fl, &h1, &h2, -1) == 5 && fl == WS_TEXT);
        assert(memcmp(buf, "after", 5) == 0);
        assert(msend(x, "0123456789", 10, -1) == 0);
        assert(msend(x, "fine", 4, -1) == 0);
        assert(mrecvl(y, &h1, &h2, -1) == -1 && errno == EMSGSIZE);
        assert(mrecv(y, buf, sizeof(buf), -1) == 4 && memcmp(buf, "fine", 4) == 0);
        assert(msend(x, "dropped", 7, -1) == 0);
        assert(msend(x, "kept", 4, -1) == 0);
        assert(mrecvl(y, NULL, NULL, -1) == 7);
        assert(mrecv(y, buf, sizeof(buf), -1) == 4 && memcmp(buf, "kept", 4) == 0);
        hclose(c);
        hclose(s);
    }
    /* Fragmented, from a raw peer. */
    int ws, raw;
    ws_raw_pair(1, 0, &ws, &raw);
    uint8_t b[200];
    size_t n = frame_ex(b, OP_TEXT, NULL, "0123456789", 10, LEN_MINIMAL);
    n += frame_ex(b + n, 0x80 | OP_CONT, NULL, "abcdefghij", 10, LEN_16);
    n += frame_ex(b + n, 0x80 | OP_BIN, NULL, "ok", 2, LEN_MINIMAL);
    assert(bsend(raw, b, n, -1) == 0);
    assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == -1 && errno == EMSGSIZE);
    assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == 2 && fl == WS_BINARY);
    hclose(ws);
    hclose(raw);
    return 0;
}
