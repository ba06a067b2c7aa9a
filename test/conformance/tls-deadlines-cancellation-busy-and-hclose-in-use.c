/* Deadlines, cancellation, concurrent use and hclose of TLS sockets:
   - ETIMEDOUT from brecv (nothing comes), bsend, tls_done (the socket
     below stops taking bytes: a layer that blocks its sends), tls_detach
     (the peer never sends close_notify; the handle is closed then, as
     the manual says) and the attaches (a silent peer); a failed brecv or
     bsend leaves that direction broken (ECONNRESET afterwards);
   - ECONNRESET from tls_detach when the peer leaves without close_notify
     or after a failed receive;
   - ECANCELED for a coroutine canceled in any of them;
   - EBUSY for a second receiver or sender, tls_done during a bsend, and
     tls_detach while another coroutine receives (which closes the socket:
     the receiver wakes with EBADF);
   - hclose while coroutines are blocked in a receive or a send: they wake
     with EBADF, nothing crashes.
   Upstream libdill (as the oracle builds it) fails here, and we keep
   ours: its TLS calls that wait for the peer or the socket below do not
   honour their deadlines (tls_done over a socket that takes no bytes,
   tls_detach with a peer that never sends close_notify, an attach with a
   silent peer: they block for ever), hclose after a failed tls_detach
   crashes (a segmentation fault), and closing a socket a coroutine waits
   on aborts (an assertion fails in fd.c).  (The attach / close / detach
   cycles: tls-attach-exchange-close-and-detach-cycles-do-not-leak.c.) */
#include "tls-helpers.h"

struct srv { int t; int err; };

static coroutine void plain_server(int s, struct tls_storage *mem, struct srv *r) {
    r->t = mem ? tls_attach_server_mem(s, tls_crt("srv"), tls_key("srv"), mem, now() + 5000)
               : tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 5000);
    r->err = errno;
}

/* Client *c (over a gate layer *g if g is not NULL) and server *s. */
static void connect_pair(int *c, int *s, struct tls_layer **g,
      struct tls_storage *cmem, struct tls_storage *smem) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int l = g ? tls_layer(p[0], NULL, g) : p[0];
    struct srv r;
    int h = go(plain_server(p[1], smem, &r));
    assert(h >= 0);
    *c = cmem ? tls_attach_client_mem(l, cmem, now() + 5000)
              : tls_attach_client(l, now() + 5000);
    assert(*c >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(r.t >= 0);
    *s = r.t;
}

enum { RECV, SEND, BIG, DONE, DETACH, ATTACH };

struct op { int kind; int t; int64_t deadline; int rc; int err; };

static coroutine void do_op(struct op *o) {
    char buf[16];
    o->rc = -2;
    switch(o->kind) {
    case RECV: o->rc = brecv(o->t, buf, 1, o->deadline); break;
    case SEND: o->rc = bsend(o->t, "x", 1, o->deadline); break;
    case BIG: {
        size_t n = 2 << 20;
        char *b = calloc(1, n);
        o->rc = bsend(o->t, b, n, o->deadline);
        o->err = errno;
        free(b);
        return;
    }
    case DONE: o->rc = tls_done(o->t, o->deadline); break;
    case DETACH: o->rc = tls_detach(o->t, o->deadline); break;
    case ATTACH: o->rc = tls_attach_client(o->t, o->deadline); break;
    }
    o->err = errno;
}

/* Starts op in a coroutine and lets it block. */
static int start(struct op *o) {
    int h = go(do_op(o));
    assert(h >= 0);
    msleep(now() + 20);
    assert(o->rc == -2);
    return h;
}

static void timeouts(void) {
    int c, s;
    struct tls_layer *g;
    char buf[4];
    connect_pair(&c, &s, &g, NULL, NULL);
    int64_t t0 = now();
    assert(brecv(c, buf, 1, now() + 50) == -1 && errno == ETIMEDOUT);
    assert(now() - t0 >= 50);
    assert(brecv(c, buf, 1, now() + 50) == -1 && errno == ECONNRESET);
    g->gate = 1;
    t0 = now();
    assert(bsend(c, "x", 1, now() + 50) == -1 && errno == ETIMEDOUT);
    assert(now() - t0 >= 50);
    g->gate = 0;
    assert(bsend(c, "x", 1, now() + 50) == -1 && errno == ECONNRESET);
    hclose(c);
    hclose(s);

    /* Deadline 0: nothing there, at once. */
    connect_pair(&c, &s, &g, NULL, NULL);
    assert(brecv(c, buf, 1, 0) == -1 && errno == ETIMEDOUT);
    hclose(c);
    hclose(s);

    connect_pair(&c, &s, &g, NULL, NULL);
    g->gate = 1;
    assert(tls_done(c, now() + 50) == -1 && errno == ETIMEDOUT);
    assert(tls_done(c, now() + 50) == -1 && errno == EPIPE);
    assert(bsend(c, "x", 1, now() + 50) == -1 && errno == EPIPE);
    hclose(c);
    hclose(s);

    /* tls_detach: the server never answers our close_notify. */
    connect_pair(&c, &s, NULL, NULL, NULL);
    t0 = now();
    assert(tls_detach(c, now() + 100) == -1 && errno == ETIMEDOUT);
    assert(now() - t0 >= 100);
    assert(hclose(c) == -1 && errno == EBADF);
    /* The server got our close_notify, then the end of the socket. */
    assert(brecv(s, buf, 1, now() + 5000) == -1 && errno == EPIPE);
    hclose(s);
}

/* tls_detach fails with ECONNRESET when the peer goes away without its
   close_notify, or after a receive failed; the stack is closed. */
static void detach_errors(void) {
    int c, s;
    char buf[4];
    connect_pair(&c, &s, NULL, NULL, NULL);
    hclose(s);
    assert(tls_detach(c, now() + 5000) == -1 && errno == ECONNRESET);
    assert(hclose(c) == -1 && errno == EBADF);
    connect_pair(&c, &s, NULL, NULL, NULL);
    assert(brecv(c, buf, 1, now() + 20) == -1 && errno == ETIMEDOUT);
    assert(tls_detach(c, now() + 5000) == -1 && errno == ECONNRESET);
    assert(hclose(c) == -1 && errno == EBADF);
    /* The server saw the connection end. */
    assert(brecv(s, buf, 1, now() + 5000) == -1 && errno == ECONNRESET);
    hclose(s);
}

static void cancellation(void) {
    int c, s;
    struct tls_layer *g;
    struct op o;

    connect_pair(&c, &s, &g, NULL, NULL);
    o = (struct op){RECV, c, -1, 0, 0};
    hclose(start(&o));
    assert(o.rc == -1 && o.err == ECANCELED);
    g->gate = 1;
    o = (struct op){SEND, c, -1, 0, 0};
    hclose(start(&o));
    assert(o.rc == -1 && o.err == ECANCELED);
    hclose(c);
    hclose(s);

    connect_pair(&c, &s, &g, NULL, NULL);
    g->gate = 1;
    o = (struct op){DONE, c, -1, 0, 0};
    hclose(start(&o));
    assert(o.rc == -1 && o.err == ECANCELED);
    hclose(c);
    hclose(s);

    connect_pair(&c, &s, NULL, NULL, NULL);
    o = (struct op){DETACH, c, -1, 0, 0};
    hclose(start(&o));
    assert(o.rc == -1 && o.err == ECANCELED);
    assert(hclose(c) == -1 && errno == EBADF);
    hclose(s);

    int p[2];
    assert(ipc_pair(p) == 0);
    o = (struct op){ATTACH, p[0], -1, 0, 0};
    hclose(start(&o));
    assert(o.rc == -1 && o.err == ECANCELED);
    hclose(p[1]);
}

static void busy_and_hclose(void) {
    int c, s;
    struct tls_layer *g;
    char buf[4];
    struct op o, o2;

    connect_pair(&c, &s, &g, NULL, NULL);
    o = (struct op){RECV, c, now() + 5000, 0, 0};
    int h = start(&o);
    assert(brecv(c, buf, 1, now() + 50) == -1 && errno == EBUSY);
    g->gate = 1;
    o2 = (struct op){SEND, c, now() + 5000, 0, 0};
    int h2 = start(&o2);
    assert(bsend(c, "y", 1, now() + 50) == -1 && errno == EBUSY);
    assert(tls_done(c, now() + 50) == -1 && errno == EBUSY);
    /* hclose wakes both. */
    assert(hclose(c) == 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    assert(o.rc == -1 && o.err == EBADF);
    hclose(h);
    /* The gate's sleep ends only at its deadline or when canceled. */
    hclose(h2);
    assert(o2.rc == -1 && (o2.err == EBADF || o2.err == ECANCELED));
    hclose(s);

    /* tls_detach during a receive: EBUSY, and the socket is closed. */
    connect_pair(&c, &s, NULL, NULL, NULL);
    o = (struct op){RECV, c, now() + 5000, 0, 0};
    h = start(&o);
    assert(tls_detach(c, now() + 1000) == -1 && errno == EBUSY);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(o.rc == -1 && o.err == EBADF);
    assert(hclose(c) == -1 && errno == EBADF);
    hclose(s);

    /* A sender blocked because the peer does not read. */
    connect_pair(&c, &s, NULL, NULL, NULL);
    o = (struct op){BIG, c, now() + 5000, 0, 0};
    h = start(&o);
    assert(hclose(c) == 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(o.rc == -1 && o.err == EBADF);
    hclose(s);
}

int main(void) {
    tls_default_cert();
    timeouts();
    detach_errors();
    cancellation();
    busy_and_hclose();
    return 0;
}
