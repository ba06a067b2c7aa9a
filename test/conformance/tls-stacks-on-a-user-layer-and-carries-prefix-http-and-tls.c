/* TLS stacks on other protocols and carries them:
   - on a bytestream layer written with libdillimpl.h (counting bytes):
     after both tls_detach calls each side has read exactly what the other
     wrote (no byte read ahead), the layer itself comes back and carries
     plain bytes, and hclose of a TLS socket closes the layer under it;
   - PREFIX messages over TLS, prefix_detach back to the TLS sockets, which
     go on; SUFFIX lines and an HTTP request and response over TLS (what
     https is); TLS inside TLS (the inner connection's records travel as
     the outer one's plaintext). */
#include "tls-helpers.h"

struct srv { int t; int err; };

static coroutine void server(int s, struct srv *r) {
    r->t = tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 5000);
    r->err = errno;
}

/* TLS client and server over sockets c and s (the server in a coroutine). */
static void tls_pair(int c, int s, int *tc, int *ts) {
    struct srv r;
    int h = go(server(s, &r));
    assert(h >= 0);
    *tc = tls_attach_client(c, now() + 5000);
    assert(*tc >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(r.t >= 0);
    *ts = r.t;
}

static coroutine void detach_into(int t, int *u) {
    *u = tls_detach(t, now() + 5000);
}

static void on_user_layer(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int closed = 0;
    struct tls_layer *lc, *ls;
    int c = tls_layer(p[0], &closed, &lc);
    int s = tls_layer(p[1], &closed, &ls);
    int tc, ts;
    tls_pair(c, s, &tc, &ts);
    char buf[100];
    for(int i = 0; i < 20; i++) {
        assert(bsend(tc, "0123456789", 10, now() + 5000) == 0);
        assert(brecv(ts, buf, 10, now() + 5000) == 0);
        assert(memcmp(buf, "0123456789", 10) == 0);
        assert(bsend(ts, buf, 7, now() + 5000) == 0);
        assert(brecv(tc, buf, 7, now() + 5000) == 0);
    }
    int us = -1;
    int h = go(detach_into(ts, &us));
    int uc = tls_detach(tc, now() + 5000);
    assert(uc >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(us >= 0);
    /* Same objects back, and nothing read ahead. */
    assert(hquery(uc, tls_layer_type) == lc && hquery(us, tls_layer_type) == ls);
    assert(lc->sent == ls->received && ls->sent == lc->received);
    assert(lc->sent > 20 * 10);
    assert(bsend(uc, "plain", 5, now() + 5000) == 0);
    assert(brecv(us, buf, 5, now() + 5000) == 0 && memcmp(buf, "plain", 5) == 0);
    assert(closed == 0);
    hclose(uc);
    hclose(us);
    assert(closed == 2);

    /* hclose of TLS closes the layer below. */
    assert(ipc_pair(p) == 0);
    c = tls_layer(p[0], &closed, NULL);
    s = tls_layer(p[1], &closed, NULL);
    tls_pair(c, s, &tc, &ts);
    assert(hclose(tc) == 0);
    assert(closed == 3);
    assert(hclose(ts) == 0);
    assert(closed == 4);
}

static coroutine void prefix_detach_into(int m, int *t) {
    *t = prefix_detach(m);
}

static void prefix_suffix_http_over_tls(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int tc, ts;
    tls_pair(p[0], p[1], &tc, &ts);
    /* PREFIX */
    int mc = prefix_attach(tc, 4, PREFIX_BIG_ENDIAN);
    int ms = prefix_attach(ts, 4, PREFIX_BIG_ENDIAN);
    assert(mc >= 0 && ms >= 0);
    char buf[200];
    for(int i = 0; i < 50; i++) {
        assert(msend(mc, "message", 1 + i % 7, now() + 5000) == 0);
        assert(mrecv(ms, buf, sizeof(buf), now() + 5000) == 1 + i % 7);
    }
    assert(msend(ms, "back", 4, now() + 5000) == 0);
    assert(mrecv(mc, buf, sizeof(buf), now() + 5000) == 4);
    int ts2 = -1;
    int h = go(prefix_detach_into(ms, &ts2));
    tc = prefix_detach(mc);
    assert(tc >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    ts = ts2;
    assert(ts >= 0);
    /* The TLS sockets go on. */
    assert(bsend(tc, "after", 5, now() + 5000) == 0);
    assert(brecv(ts, buf, 5, now() + 5000) == 0 && memcmp(buf, "after", 5) == 0);

    /* SUFFIX */
    mc = suffix_attach(tc, "\r\n", 2);
    ms = suffix_attach(ts, "\r\n", 2);
    assert(mc >= 0 && ms >= 0);
    assert(msend(mc, "line one", 8, now() + 5000) == 0);
    assert(msend(mc, "line two", 8, now() + 5000) == 0);
    assert(mrecv(ms, buf, sizeof(buf), now() + 5000) == 8 && memcmp(buf, "line one", 8) == 0);
    assert(mrecv(ms, buf, sizeof(buf), now() + 5000) == 8 && memcmp(buf, "line two", 8) == 0);
    tc = suffix_detach(mc, now() + 5000);
    ts = suffix_detach(ms, now() + 5000);
    assert(tc >= 0 && ts >= 0);

    /* HTTP */
    int hc = http_attach(tc);
    int hs = http_attach(ts);
    assert(hc >= 0 && hs >= 0);
    assert(http_sendrequest(hc, "GET", "/secret", now() + 5000) == 0);
    assert(http_sendfield(hc, "Host", "localhost", now() + 5000) == 0);
    assert(http_done(hc, now() + 5000) == 0);
    char cmd[16], res[64], name[64], value[64];
    assert(http_recvrequest(hs, cmd, sizeof(cmd), res, sizeof(res), now() + 5000) == 0);
    assert(strcmp(cmd, "GET") == 0 && strcmp(res, "/secret") == 0);
    assert(http_recvfield(hs, name, sizeof(name), value, sizeof(value), now() + 5000) == 0);
    assert(strcmp(name, "Host") == 0 && strcmp(value, "localhost") == 0);
    assert(http_recvfield(hs, name, sizeof(name), value, sizeof(value), now() + 5000) == -1 &&
        errno == EPIPE);
    assert(http_sendstatus(hs, 200, "OK", now() + 5000) == 0);
    assert(http_sendfield(hs, "Content-Length", "2", now() + 5000) == 0);
    assert(http_done(hs, now() + 5000) == 0);
    assert(http_recvstatus(hc, res, sizeof(res), now() + 5000) == 200);
    assert(http_recvfield(hc, name, sizeof(name), value, sizeof(value), now() + 5000) == 0);
    assert(http_recvfield(hc, name, sizeof(name), value, sizeof(value), now() + 5000) == -1 &&
        errno == EPIPE);
    ts = http_detach(hs, now() + 5000);
    tc = http_detach(hc, now() + 5000);
    assert(tc >= 0 && ts >= 0);
    assert(bsend(ts, "ok", 2, now() + 5000) == 0);
    assert(brecv(tc, buf, 2, now() + 5000) == 0 && memcmp(buf, "ok", 2) == 0);
    hclose(tc);
    hclose(ts);
}

static void tls_in_tls(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int oc, os, ic, is;
    tls_pair(p[0], p[1], &oc, &os);
    tls_pair(oc, os, &ic, &is);
    char buf[4096];
    memset(buf, 'z', sizeof(buf));
    assert(bsend(ic, buf, sizeof(buf), now() + 5000) == 0);
    memset(buf, 0, sizeof(buf));
    assert(brecv(is, buf, sizeof(buf), now() + 5000) == 0);
    for(size_t i = 0; i < sizeof(buf); i++) assert(buf[i] == 'z');
    /* The inner one detaches to the outer one, which goes on. */
    int u = -1;
    int h = go(detach_into(is, &u));
    int oc2 = tls_detach(ic, now() + 5000);
    assert(oc2 >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(u >= 0);
    assert(bsend(oc2, "outer", 5, now() + 5000) == 0);
    assert(brecv(u, buf, 5, now() + 5000) == 0 && memcmp(buf, "outer", 5) == 0);
    hclose(oc2);
    hclose(u);
}

int main(void) {
    tls_default_cert();
    on_user_layer();
    prefix_suffix_http_over_tls();
    tls_in_tls();
    return 0;
}
