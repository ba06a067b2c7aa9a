/* The client's certificate checks.  The API has no place for a CA or a
   host name, so by default the client checks nothing (any certificate is
   taken: encryption without authentication, as upstream's tests assume).
   DILL_TLS_CA (a PEM bundle, or "system" for Node's root store) turns the
   chain check on, DILL_TLS_HOST the host name check (a name or an IP
   address, matched against the certificate's subjectAltName).  A
   certificate that fails either check makes the client's attach fail
   with EPROTO, and the server's with ECONNRESET (the client drops the
   connection); a DILL_TLS_CA that cannot be read is EINVAL before the
   handshake, and the socket is closed as after any failed attach.
   This depends on our build from the first check on: DILL_TLS_CA and
   DILL_TLS_HOST are ours; upstream libdill has no way to check the peer's
   certificate and takes any (its run passes the defaults, then fails
   where a check should refuse). */
#include "tls-helpers.h"

struct srv { int t; int err; const char *name; };

static coroutine void server(int s, struct srv *r) {
    r->t = tls_attach_server(s, tls_crt(r->name), tls_key(r->name), now() + 5000);
    r->err = errno;
    if(r->t >= 0) {
        char c;
        /* Wait for the client to finish with us. */
        brecv(r->t, &c, 1, now() + 5000);
        hclose(r->t);
    }
}

/* Connects to a server using certificate `name`; returns the client's
   errno (0: connected) and puts the server's attach errno in *serr. */
static int try_connect(const char *name, const char *ca, const char *host, int *serr) {
    if(ca) setenv("DILL_TLS_CA", ca, 1); else unsetenv("DILL_TLS_CA");
    if(host) setenv("DILL_TLS_HOST", host, 1); else unsetenv("DILL_TLS_HOST");
    int p[2];
    assert(ipc_pair(p) == 0);
    struct srv r = {-1, 0, name};
    int h = go(server(p[1], &r));
    assert(h >= 0);
    int t = tls_attach_client(p[0], now() + 5000);
    int err = t < 0 ? errno : 0;
    if(t >= 0) {
        assert(bsend(t, "x", 1, now() + 5000) == 0);
        hclose(t);
    }
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    *serr = r.t >= 0 ? 0 : r.err;
    return err;
}

int main(void) {
    tls_default_cert();                                  /* srv: localhost, 127.0.0.1 */
    tls_cert("other", "other.example", "DNS:other.example");
    const char *srv = tls_crt("srv"), *other = tls_crt("other");
    int serr;

    /* No checks by default. */
    assert(try_connect("srv", NULL, NULL, &serr) == 0 && serr == 0);
    assert(try_connect("other", NULL, NULL, &serr) == 0 && serr == 0);
    /* A host name alone checks nothing either (no CA to check against). */
    assert(try_connect("other", NULL, "localhost", &serr) == 0 && serr == 0);

    /* The chain. */
    assert(try_connect("srv", srv, NULL, &serr) == 0 && serr == 0);
    assert(try_connect("other", other, NULL, &serr) == 0 && serr == 0);
    assert(try_connect("other", srv, NULL, &serr) == EPROTO && serr == ECONNRESET);
    assert(try_connect("srv", other, NULL, &serr) == EPROTO && serr == ECONNRESET);
    assert(try_connect("srv", "system", NULL, &serr) == EPROTO && serr == ECONNRESET);

    /* The host name. */
    assert(try_connect("srv", srv, "localhost", &serr) == 0 && serr == 0);
    assert(try_connect("srv", srv, "127.0.0.1", &serr) == 0 && serr == 0);
    assert(try_connect("other", other, "other.example", &serr) == 0 && serr == 0);
    assert(try_connect("srv", srv, "wrong.example", &serr) == EPROTO && serr == ECONNRESET);
    assert(try_connect("srv", srv, "127.0.0.2", &serr) == EPROTO && serr == ECONNRESET);
    assert(try_connect("other", other, "localhost", &serr) == EPROTO && serr == ECONNRESET);

    /* A CA bundle that cannot be used: EINVAL, nothing sent. */
    const char *garbage = tls_file("garbage.pem", "not a certificate\n");
    const char *bad[] = {tls_path("missing.pem"), garbage, tls_path("")};
    for(int i = 0; i < 3; i++) {
        setenv("DILL_TLS_CA", bad[i], 1);
        int p[2];
        assert(ipc_pair(p) == 0);
        assert(tls_attach_client(p[0], now() + 1000) == -1 && errno == EINVAL);
        /* Nothing went out, and the socket is closed. */
        char c;
        assert(brecv(p[1], &c, 1, now() + 1000) == -1 && errno == EPIPE);
        hclose(p[1]);
    }
    /* An empty variable is no variable. */
    setenv("DILL_TLS_CA", "", 1);
    setenv("DILL_TLS_HOST", "", 1);
    int p[2];
    assert(ipc_pair(p) == 0);
    struct srv r = {-1, 0, "other"};
    int h = go(server(p[1], &r));
    int t = tls_attach_client(p[0], now() + 5000);
    assert(t >= 0);
    assert(bsend(t, "x", 1, now() + 5000) == 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    hclose(t);
    return 0;
}
