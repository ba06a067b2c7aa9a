/* A TLS connection whose stream ends without the peer's close_notify (the
   peer closed its socket, or the TLS handle over it, without tls_done) is
   a broken one: the receive fails with ECONNRESET, and so do later ones;
   a stream ended by close_notify gives EPIPE.  So a reader can tell a
   finished stream from a truncated one, which is what close_notify is for
   (RFC 8446 6.1).  Upstream libdill gives EPIPE for both, a truncated
   stream looking finished; we tell them apart. */
#include "tls-helpers.h"

static coroutine void server(int s, int notify) {
    int t = tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 5000);
    assert(t >= 0);
    assert(bsend(t, "bye", 3, now() + 5000) == 0);
    char k;
    assert(brecv(t, &k, 1, now() + 5000) == 0);
    if(notify) assert(tls_done(t, now() + 5000) == 0);
    assert(hclose(t) == 0);
}

int main(void) {
    tls_default_cert();
    for(int notify = 0; notify < 2; notify++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        int h = go(server(p[1], notify));
        int t = tls_attach_client(p[0], now() + 5000);
        assert(t >= 0);
        char buf[3];
        assert(brecv(t, buf, 3, now() + 5000) == 0 && memcmp(buf, "bye", 3) == 0);
        assert(bsend(t, "k", 1, now() + 5000) == 0);
        assert(bundle_wait(h, now() + 5000) == 0);
        hclose(h);
        int err = notify ? EPIPE : ECONNRESET;
        assert(brecv(t, buf, 1, now() + 5000) == -1 && errno == err);
        assert(brecv(t, buf, 1, now() + 5000) == -1 && errno == err);
        assert(hclose(t) == 0);
    }
    return 0;
}
