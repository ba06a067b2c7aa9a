/* After a successful tls_detach the TLS handle is gone: hclose and bsend
   on it fail with EBADF, and the socket handed back works.  Upstream
   libdill leaves the handle in place, and using or closing it crashes (a
   segmentation fault: the TLS session behind it was freed, hclose frees
   it again in SSL_free); we fail with EBADF. */
#include "tls-helpers.h"

struct srv { int u; };
static coroutine void server(int s, struct srv *r) {
    int t = tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 5000);
    assert(t >= 0);
    r->u = tls_detach(t, now() + 5000);
}

int main(void) {
    tls_default_cert();
    int p[2];
    assert(ipc_pair(p) == 0);
    struct srv r;
    int h = go(server(p[1], &r));
    int t = tls_attach_client(p[0], now() + 5000);
    assert(t >= 0);
    int u = tls_detach(t, now() + 5000);
    assert(u >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(r.u >= 0);
    assert(bsend(t, "x", 1, now() + 1000) == -1 && errno == EBADF);
    assert(hclose(t) == -1 && errno == EBADF);
    char buf[4];
    assert(bsend(u, "raw!", 4, now() + 1000) == 0);
    assert(brecv(r.u, buf, 4, now() + 1000) == 0 && memcmp(buf, "raw!", 4) == 0);
    assert(hclose(u) == 0 && hclose(r.u) == 0);
    return 0;
}
