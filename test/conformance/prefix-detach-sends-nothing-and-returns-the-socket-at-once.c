/* prefix_detach(s) sends nothing and waits for nothing: it hands back the
   underlying socket at once, positioned after the last message sent and
   received (the peer's unread messages stay in it, byte for byte), even
   with no peer reading or writing.  A socket whose receive (or send) had
   failed is closed instead, and prefix_detach fails with ECONNRESET. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

int main(void) {
    int p[2];
    char buf[32];
    assert(ipc_pair(p) == 0);
    int s = prefix_attach(p[0], 1, PREFIX_BIG_ENDIAN);
    assert(s >= 0);
    assert(msend(s, "hi", 2, -1) == 0);
    assert(bsend(p[1], "\x01" "a" "\x02" "bc", 5, -1) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == 1 && buf[0] == 'a');
    int64_t start = now();
    int u = prefix_detach(s);
    assert(u >= 0);
    assert(now() - start < 100);
    /* Nothing was added after "\x02hi": the next bytes are the raw ones. */
    assert(bsend(u, "raw", 3, -1) == 0);
    assert(brecv(p[1], buf, 6, now() + 1000) == 0 && memcmp(buf, "\x02hiraw", 6) == 0);
    assert(brecv(u, buf, 3, now() + 1000) == 0 && memcmp(buf, "\x02" "bc", 3) == 0);
    assert(hclose(u) == 0 && hclose(p[1]) == 0);

    /* A receive that failed (here, timed out): ECONNRESET, socket closed. */
    assert(ipc_pair(p) == 0);
    s = prefix_attach(p[0], 1, PREFIX_BIG_ENDIAN);
    assert(s >= 0);
    assert(mrecv(s, buf, sizeof(buf), now() + 10) == -1 && errno == ETIMEDOUT);
    assert(prefix_detach(s) == -1 && errno == ECONNRESET);
    assert(brecv(p[1], buf, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);
    return 0;
}
