/* ipc_close with deadline 0 (or one already past) still reads through what
   the peer has already sent, however many reads that takes, and succeeds if
   the peer's end is there after it; it fails with ETIMEDOUT only where it
   would have to wait for more.  The deadline bound against a peer that never
   stops sending (ipc-close-times-out-against-a-peer-that-never-stops-sending.c)
   does not cut this short. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

static char data[150000];

coroutine static void sender(int s, size_t len, int close) {
    assert(bsend(s, data, len, -1) == 0);
    if(close) assert(hclose(s) == 0);
}

static void run(size_t len, int64_t deadline, int close) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int h = go(sender(p[1], len, close));
    assert(h >= 0);
    /* Everything is sent (it fits in the socket's buffers). */
    assert(bundle_wait(h, now() + 2000) == 0);
    assert(hclose(h) == 0);
    int64_t t0 = now();
    int rc = ipc_close(p[0], deadline);
    if(close) {
        assert(rc == 0);
    } else {
        assert(rc == -1 && errno == ETIMEDOUT);
        assert(hclose(p[1]) == 0);
    }
    assert(now() - t0 < 500);
}

int main(void) {
    memset(data, 'd', sizeof(data));
    run(10, 0, 1);
    run(sizeof(data), 0, 1);
    run(sizeof(data), now() - 5, 1);
    run(sizeof(data), 0, 0);
    run(10, now() - 5, 0);
    return 0;
}
