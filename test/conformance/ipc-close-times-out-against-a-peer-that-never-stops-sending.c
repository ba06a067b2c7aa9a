/* ipc_close reads and drops what the peer sends until the peer's end: against
   a peer (a coroutine of this program, on an ipc_pair) that never stops
   sending, it fails with ETIMEDOUT at its deadline, the socket is closed (the
   peer's next send fails with ECONNRESET), and the other coroutines keep
   running while it drains (a 5 ms ticker ticks meanwhile).

   The handle number itself is not tried after the close here: upstream
   leaves it pointing at the freed socket (hclose on it crashes), see
   ipc-and-tcp-close-leave-no-handle-behind.c. */
#include <assert.h>
#include <string.h>
#include "flood-helpers.h"

coroutine static void flooder(int s) {
    flood(s, 0);
    assert(hclose(s) == 0);
}

int main(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, flooder(p[1])) == 0);
    assert(bundle_go(b, ticker()) == 0);
    int64_t t0 = now();
    assert(ipc_close(p[0], t0 + 100) == -1 && errno == ETIMEDOUT);
    int64_t took = now() - t0;
    assert(took >= 95 && took < 1000);
    assert(flood_sent > 0);
    assert(ticks >= 3);
    /* The flooder's next send finds the socket gone. */
    assert(msleep(now() + 50) == 0);
    assert(flood_err == ECONNRESET);
    assert(hclose(b) == 0);
    return 0;
}
