/* What the TLS functions answer before any handshake, the socket being
   left with the caller as it was each time: EBADF for numbers that are not
   handles; EPROTO for attaching to a handle that is not a bytestream (a
   channel, a coroutine, UDP, a PREFIX message socket); ENOTSUP for
   tls_done/tls_detach on a handle that is not TLS; EINVAL for a NULL
   certificate or key path, a missing file, a file that is not PEM, a key
   that does not belong to the certificate, a NULL mem; ENOMEM when memory
   runs out; ECANCELED in a canceled coroutine.  (EMFILE and ENFILE cannot
   be provoked: handles and descriptors here are limited by memory only.
   The attaches never give the manual's ENOTSUP: a handle of the wrong
   kind is EPROTO, "not a bytestream socket", as for every protocol of
   this library.) */
#include "tls-helpers.h"
#include "oom-helpers.h"

/* The pair still carries bytes both ways: nothing was taken from it. */
static void still_works(int p[2]) {
    char c;
    assert(bsend(p[0], "a", 1, now() + 1000) == 0);
    assert(brecv(p[1], &c, 1, now() + 1000) == 0 && c == 'a');
    assert(bsend(p[1], "b", 1, now() + 1000) == 0);
    assert(brecv(p[0], &c, 1, now() + 1000) == 0 && c == 'b');
}

static void all_fail(int s, int err) {
    struct tls_storage mem;
    assert(tls_attach_client(s, now() + 1000) == -1 && errno == err);
    assert(tls_attach_client_mem(s, &mem, now() + 1000) == -1 && errno == err);
    assert(tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 1000) == -1 &&
        errno == err);
    assert(tls_attach_server_mem(s, tls_crt("srv"), tls_key("srv"), &mem, now() + 1000) == -1 &&
        errno == err);
}

struct canceled { int p[2]; int client, client_mem, server, done, detach; };

static coroutine void in_canceled(struct canceled *r) {
    /* Canceled while sleeping: every later call sees it. */
    msleep(-1);
    struct tls_storage mem;
    r->client = tls_attach_client(r->p[0], -1) == -1 ? errno : 0;
    r->client_mem = tls_attach_client_mem(r->p[0], &mem, -1) == -1 ? errno : 0;
    r->server = tls_attach_server(r->p[0], tls_crt("srv"), tls_key("srv"), -1) == -1 ?
        errno : 0;
}

int main(void) {
    tls_default_cert();
    tls_cert("other", "other", "DNS:other");
    int p[2];
    assert(ipc_pair(p) == 0);

    /* EBADF */
    int bad[] = {-1, 12345};
    for(int i = 0; i < 2; i++) {
        all_fail(bad[i], EBADF);
        assert(tls_done(bad[i], now() + 1000) == -1 && errno == EBADF);
        assert(tls_detach(bad[i], now() + 1000) == -1 && errno == EBADF);
    }

    /* EPROTO: not a bytestream. */
    int ch[2];
    assert(chmake(ch) == 0);
    all_fail(ch[0], EPROTO);
    struct ipaddr a;
    assert(ipaddr_local(&a, "127.0.0.1", 0, 0) == 0);
    int u = udp_open(&a, NULL);
    assert(u >= 0);
    all_fail(u, EPROTO);
    int q[2];
    assert(ipc_pair(q) == 0);
    int pfx = prefix_attach(q[0], 2, 0);
    assert(pfx >= 0);
    all_fail(pfx, EPROTO);
    int cr = go(msleep(-1));
    assert(cr >= 0);
    all_fail(cr, EPROTO);

    /* ENOTSUP: tls_done and tls_detach want a TLS handle. */
    int others[] = {p[0], ch[0], u, pfx, cr};
    for(int i = 0; i < 5; i++) {
        assert(tls_done(others[i], now() + 1000) == -1 && errno == ENOTSUP);
        assert(tls_detach(others[i], now() + 1000) == -1 && errno == ENOTSUP);
    }
    hclose(ch[0]);
    hclose(ch[1]);
    hclose(u);
    hclose(pfx);
    hclose(q[1]);
    hclose(cr);
    still_works(p);

    /* EINVAL: certificate and key. */
    struct tls_storage mem;
    const char *crt = tls_crt("srv"), *key = tls_key("srv");
    const char *missing = tls_path("no-such-file.pem");
    const char *garbage = tls_file("garbage.pem", "this is not a certificate\n");
    const char *half = tls_file("half.pem",
        "-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAK\n-----END CERTIFICATE-----\n");
    const char *cases[][2] = {
        {NULL, key}, {crt, NULL}, {NULL, NULL},
        {missing, key}, {crt, missing},
        {garbage, key}, {crt, garbage}, {half, key},
        {key, crt},                      /* swapped */
        {crt, tls_key("other")},         /* a key of another certificate */
        {tls_path(""), key},             /* a folder */
    };
    for(size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert(tls_attach_server(p[0], cases[i][0], cases[i][1], now() + 1000) == -1);
        assert(errno == EINVAL);
        assert(tls_attach_server_mem(p[0], cases[i][0], cases[i][1], &mem, now() + 1000) == -1);
        assert(errno == EINVAL);
    }
    assert(tls_attach_server_mem(p[0], crt, key, NULL, now() + 1000) == -1 && errno == EINVAL);
    assert(tls_attach_client_mem(p[0], NULL, now() + 1000) == -1 && errno == EINVAL);
    still_works(p);

    /* ENOMEM: the object, or (for _mem) its buffers. */
    struct chunk *chunks = exhaust_memory();
    int rc1 = tls_attach_client(p[0], now() + 1000);
    int e1 = errno;
    int rc2 = tls_attach_client_mem(p[0], &mem, now() + 1000);
    int e2 = errno;
    int rc3 = tls_attach_server(p[0], crt, key, now() + 1000);
    int e3 = errno;
    release_memory(chunks);
    assert(rc1 == -1 && e1 == ENOMEM);
    assert(rc2 == -1 && e2 == ENOMEM);
    assert(rc3 == -1 && e3 == ENOMEM);
    still_works(p);

    /* ECANCELED */
    struct canceled r = {{p[0], p[1]}, 0, 0, 0, 0, 0};
    cr = go(in_canceled(&r));
    assert(cr >= 0);
    assert(hclose(cr) == 0);
    assert(r.client == ECANCELED && r.client_mem == ECANCELED && r.server == ECANCELED);
    still_works(p);

    hclose(p[0]);
    hclose(p[1]);
    return 0;
}
