/* brecvl on TLS skips the bytes that fall on an item with a NULL base, as
   on any bytestream: the rest of the list gets the bytes after them, and
   the stream goes on.  Upstream libdill crashes here (it decrypts into the
   NULL pointer: a segmentation fault in SSL_read); we skip the bytes. */
#include "tls-helpers.h"

struct srv { int t; };
static coroutine void server(int s, struct srv *r) {
    r->t = tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 5000);
}

int main(void) {
    tls_default_cert();
    int p[2];
    assert(ipc_pair(p) == 0);
    struct srv r;
    int h = go(server(p[1], &r));
    int tc = tls_attach_client(p[0], now() + 5000);
    assert(tc >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(r.t >= 0);
    assert(bsend(tc, "0123456789abcdefghij", 20, now() + 5000) == 0);
    char a[4], b[6];
    struct iolist i3 = {b, 6, NULL, 0};
    struct iolist i2 = {NULL, 10, &i3, 0};
    struct iolist i1 = {a, 4, &i2, 0};
    assert(brecvl(r.t, &i1, &i3, now() + 5000) == 0);
    assert(memcmp(a, "0123", 4) == 0 && memcmp(b, "efghij", 6) == 0);
    assert(bsend(tc, "next", 4, now() + 5000) == 0);
    assert(brecv(r.t, a, 4, now() + 5000) == 0 && memcmp(a, "next", 4) == 0);
    hclose(tc);
    hclose(r.t);
    return 0;
}
