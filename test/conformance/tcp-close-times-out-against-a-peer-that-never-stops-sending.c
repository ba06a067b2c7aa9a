/* tcp_close reads and drops what the peer sends until the peer's end: against
   a peer (a coroutine of this program, over 127.0.0.1) that never stops
   sending, it fails with ETIMEDOUT at its deadline, the connection is closed
   (the peer's next send fails with ECONNRESET), and the other coroutines
   keep running while it drains (a 5 ms ticker ticks meanwhile).

   The handle number itself is not tried after the close here: upstream
   leaves it pointing at the freed socket (hclose on it crashes). */
#include <assert.h>
#include <string.h>
#include "flood-helpers.h"

coroutine static void flooder(int s) {
    static char buf[65536];
    memset(buf, 'x', sizeof(buf));
    while(bsend(s, buf, sizeof(buf), -1) == 0) flood_sent++;
    flood_err = errno;
    assert(hclose(s) == 0);
}

int main(void) {
    struct ipaddr addr;
    assert(ipaddr_local(&addr, "127.0.0.1", 0, 0) == 0);
    int ls = tcp_listen(&addr, 10);
    assert(ls >= 0);
    struct ipaddr remote;
    assert(ipaddr_remote(&remote, "127.0.0.1", ipaddr_port(&addr), 0, -1) == 0);
    int c = tcp_connect(&remote, now() + 2000);
    assert(c >= 0);
    int s = tcp_accept(ls, NULL, now() + 2000);
    assert(s >= 0);
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, flooder(c)) == 0);
    assert(bundle_go(b, ticker()) == 0);
    int64_t t0 = now();
    assert(tcp_close(s, t0 + 100) == -1 && errno == ETIMEDOUT);
    int64_t took = now() - t0;
    assert(took >= 95 && took < 1000);
    assert(flood_sent > 0);
    assert(ticks >= 3);
    /* The flooder's next send finds the connection reset. */
    expect_flooder_reset();
    assert(hclose(b) == 0);
    assert(hclose(ls) == 0);
    return 0;
}
