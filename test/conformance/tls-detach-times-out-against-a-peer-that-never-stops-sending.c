/* tls_detach sends its close_notify, then reads and drops the peer's data
   until the peer's close_notify: against a peer (a coroutine of this
   program, over an ipc_pair) that never stops sending, it fails with
   ETIMEDOUT at its deadline, the whole stack is closed (the peer's next send
   fails with ECONNRESET), and the other coroutines keep running while it
   drains (a 5 ms ticker ticks meanwhile).

   Our build only: the test certificate is made through Node (tls-helpers.h).
   Upstream does not drain at all here: its tls_detach fails at once with
   EFAULT as soon as application data comes before the peer's close_notify
   (OpenSSL's "application data after close notify"), even from a polite
   peer that sent a few bytes before its own tls_done; ours drops the data
   as the manual says. */
#include "tls-helpers.h"
#include "flood-helpers.h"

coroutine static void flooder(int s) {
    int t = tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 5000);
    assert(t >= 0);
    static char buf[16384];
    memset(buf, 'x', sizeof(buf));
    while(bsend(t, buf, sizeof(buf), -1) == 0) flood_sent++;
    flood_err = errno;
    assert(hclose(t) == 0);
}

int main(void) {
    tls_default_cert();
    int p[2];
    assert(ipc_pair(p) == 0);
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, flooder(p[1])) == 0);
    int t = tls_attach_client(p[0], now() + 5000);
    assert(t >= 0);
    /* The flood is under way. */
    while(flood_sent < 4) assert(msleep(now() + 5) == 0);
    assert(bundle_go(b, ticker()) == 0);
    int64_t t0 = now();
    assert(tls_detach(t, t0 + 100) == -1 && errno == ETIMEDOUT);
    int64_t took = now() - t0;
    assert(took >= 95 && took < 1000);
    assert(ticks >= 3);
    /* The flooder's next send finds the socket gone. */
    expect_flooder_reset();
    assert(hclose(b) == 0);
    return 0;
}
