/* On TLS as on any bytestream: a send of bytes from a NULL buffer, or a
   send list with a NULL base and a length, fail with EFAULT (as the kernel
   answers such a send natively); NULL lists and a receive list with
   iol_rsvd set fail with EINVAL; nothing is sent or received; a receive
   of zero bytes returns 0 at once; the connection goes on.  Upstream
   libdill crashes on the NULL sends (it encrypts from the NULL pointer: a
   segmentation fault in SSL_write), takes the reserved field as it is,
   and waits for data to arrive on a zero-byte receive; we check the
   arguments. */
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
    int ts = r.t;
    assert(ts >= 0);
    char got[8];
    struct iolist bad = {NULL, 5, NULL, 0};
    assert(bsendl(tc, &bad, &bad, now() + 5000) == -1 && errno == EFAULT);
    assert(bsendl(tc, NULL, NULL, now() + 5000) == -1 && errno == EINVAL);
    struct iolist rsv = {got, 1, NULL, 1};
    assert(brecvl(ts, &rsv, &rsv, now() + 5000) == -1 && errno == EINVAL);
    assert(bsend(tc, NULL, 3, now() + 5000) == -1 && errno == EFAULT);
    assert(bsend(tc, NULL, 0, now() + 5000) == 0);
    int64_t t = now();
    assert(brecv(ts, NULL, 0, now() + 5000) == 0);
    assert(now() - t < 1000);
    assert(bsend(tc, "end", 3, now() + 5000) == 0);
    assert(brecv(ts, got, 3, now() + 5000) == 0 && memcmp(got, "end", 3) == 0);
    hclose(tc);
    hclose(ts);
    return 0;
}
