/* term_detach sends its terminal message, then reads and drops the peer's
   messages until the peer's terminal message: against a peer (a coroutine of
   this program, TERM over PREFIX over an ipc_pair) that never stops sending
   messages, it fails with ETIMEDOUT at its deadline, the whole stack is
   closed (the peer's next send fails with ECONNRESET), and the other
   coroutines keep running while it drains (a 5 ms ticker ticks meanwhile).

   Natively this program crashes in term_detach: upstream segfaults dropping
   any message that is not the terminal one (in its receive below PREFIX),
   even a single message before a polite peer's terminal message.  Ours
   drops them as the manual says. */
#include <assert.h>
#include <string.h>
#include "flood-helpers.h"

coroutine static void flooder(int s) {
    flood(s, 1);
    assert(hclose(s) == 0);
}

static int stack(int u) {
    int s = prefix_attach(u, 4, 0);
    assert(s >= 0);
    s = term_attach(s, "END", 3);
    assert(s >= 0);
    return s;
}

int main(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int a = stack(p[0]);
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, flooder(stack(p[1]))) == 0);
    assert(bundle_go(b, ticker()) == 0);
    int64_t t0 = now();
    assert(term_detach(a, t0 + 100) == -1 && errno == ETIMEDOUT);
    int64_t took = now() - t0;
    assert(took >= 95 && took < 1000);
    assert(flood_sent > 0);
    assert(ticks >= 3);
    /* The flooder's next send finds the socket gone. */
    expect_flooder_reset();
    assert(hclose(b) == 0);
    return 0;
}
