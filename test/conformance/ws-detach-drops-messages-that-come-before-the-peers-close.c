/* ws_detach drops the messages that come in before the peer's close frame
   (of any length, text or binary), on a server as on a client, and hands
   back the socket with the bytes after that frame intact.  Upstream libdill
   does so on a client but crashes on a server (it unmasks the dropped
   message through a NULL buffer: a segmentation fault); we drop it. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

coroutine void late_peer(int raw, const uint8_t *frames, size_t n) {
    msleep(now() + 20);
    assert(bsend(raw, frames, n, -1) == 0);
}

int main(void) {
    static uint8_t big[70000], frames[71000];
    memset(big, 'b', sizeof(big));
    for(int client = 0; client < 2; client++) {
        int ws, raw;
        ws_raw_pair(client, 0, &ws, &raw);
        const uint8_t *k = client ? NULL : KEY;
        uint8_t c[2] = {1000 >> 8, 1000 & 0xff};
        size_t n = frame_ex(frames, 0x80 | OP_TEXT, k, "dropped", 7, LEN_MINIMAL);
        n += frame_ex(frames + n, 0x80 | OP_BIN, k, big, sizeof(big), LEN_MINIMAL);
        n += frame_ex(frames + n, 0x80 | OP_CLOSE, k, c, 2, LEN_MINIMAL);
        memcpy(frames + n, "TAIL", 4);
        int h = go(late_peer(raw, frames, n + 4));
        int u = ws_detach(ws, 1000, NULL, 0, now() + 5000);
        assert(u >= 0);
        int b0, masked;
        uint8_t p[125];
        assert(raw_read(raw, &b0, &masked, p, sizeof(p)) == 2 && b0 == (0x80 | OP_CLOSE));
        char tail[4];
        assert(brecv(u, tail, 4, now() + 5000) == 0 && memcmp(tail, "TAIL", 4) == 0);
        assert(bundle_wait(h, now() + 5000) == 0);
        hclose(h);
        hclose(u);
        hclose(raw);
    }
    return 0;
}
