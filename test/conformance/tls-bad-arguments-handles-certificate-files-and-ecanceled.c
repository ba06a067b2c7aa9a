/* What the TLS functions answer before any handshake: EBADF for numbers
   that are not handles; EPROTO for attaching to a handle that is not a
   bytestream (a channel, a coroutine, UDP, a PREFIX message socket);
   ENOTSUP for tls_done/tls_detach on a handle that is not TLS; EFAULT for
   a NULL certificate or key path, a missing file, a file that is not PEM,
   a key that does not belong to the certificate, a folder (upstream's
   errno for all of them); EINVAL for a NULL mem; ECANCELED in a canceled
   coroutine.  As upstream, an attach that fails closes the socket it was
   given (the peer sees the end of the stream), except for EBADF.  (ENOMEM:
   tls-attach-under-memory-exhaustion-fails-with-enomem-and-closes-the-socket.c.
   EMFILE and ENFILE cannot be provoked: handles and descriptors here are
   limited by memory only.) */
#include "tls-helpers.h"

/* The socket an attach failed on is closed: its peer sees the end. */
static void closed(int peer) {
    char c;
    int rc = brecv(peer, &c, 1, now() + 1000);
    assert(rc == -1 && (errno == EPIPE || errno == ECONNRESET));
    assert(hclose(peer) == 0);
}

/* Each attach on a fresh pair fails with err and closes the socket. */
static void fails_on_pairs(const char *cert, const char *key, int err) {
    struct tls_storage mem;
    for(int i = 0; i < 2; i++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        int rc = i ? tls_attach_server_mem(p[0], cert, key, &mem, now() + 1000)
                   : tls_attach_server(p[0], cert, key, now() + 1000);
        assert(rc == -1 && errno == err);
        closed(p[1]);
    }
}

/* Every attach fails with EBADF: not a handle. */
static void all_fail_ebadf(int s) {
    struct tls_storage mem;
    assert(tls_attach_client(s, now() + 1000) == -1 && errno == EBADF);
    assert(tls_attach_client_mem(s, &mem, now() + 1000) == -1 && errno == EBADF);
    assert(tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 1000) == -1 &&
        errno == EBADF);
    assert(tls_attach_server_mem(s, tls_crt("srv"), tls_key("srv"), &mem, now() + 1000) == -1 &&
        errno == EBADF);
}

struct canceled { int s[3]; int client, client_mem, server; };

static coroutine void in_canceled(struct canceled *r) {
    /* Canceled while sleeping: every later attach sees it. */
    msleep(-1);
    struct tls_storage mem;
    r->client = tls_attach_client(r->s[0], -1) == -1 ? errno : 0;
    r->client_mem = tls_attach_client_mem(r->s[1], &mem, -1) == -1 ? errno : 0;
    r->server = tls_attach_server(r->s[2], tls_crt("srv"), tls_key("srv"), -1) == -1 ?
        errno : 0;
}

int main(void) {
    tls_default_cert();
    tls_cert("other", "other", "DNS:other");

    /* EBADF */
    int bad[] = {-1, 12345};
    for(int i = 0; i < 2; i++) {
        all_fail_ebadf(bad[i]);
        assert(tls_done(bad[i], now() + 1000) == -1 && errno == EBADF);
        assert(tls_detach(bad[i], now() + 1000) == -1 && errno == EBADF);
    }

    /* ENOTSUP: tls_done and tls_detach want a TLS handle. */
    int p[2], ch[2], q[2];
    assert(ipc_pair(p) == 0);
    assert(chmake(ch) == 0);
    struct ipaddr a;
    assert(ipaddr_local(&a, "127.0.0.1", 0, 0) == 0);
    int u = udp_open(&a, NULL);
    assert(u >= 0);
    assert(ipc_pair(q) == 0);
    int pfx = prefix_attach(q[0], 2, 0);
    assert(pfx >= 0);
    int cr = go(msleep(-1));
    assert(cr >= 0);
    int others[] = {p[0], ch[0], u, pfx, cr};
    for(int i = 0; i < 5; i++) {
        assert(tls_done(others[i], now() + 1000) == -1 && errno == ENOTSUP);
        assert(tls_detach(others[i], now() + 1000) == -1 && errno == ENOTSUP);
    }
    /* EPROTO: not a bytestream; the handle is closed. */
    for(int i = 1; i < 5; i++) {
        assert(tls_attach_client(others[i], now() + 1000) == -1 && errno == EPROTO);
        assert(hclose(others[i]) == -1 && errno == EBADF);
    }
    closed(q[1]);
    assert(chmake(ch) == 0);
    assert(tls_attach_server(ch[0], tls_crt("srv"), tls_key("srv"), now() + 1000) == -1 &&
        errno == EPROTO);
    assert(hclose(ch[0]) == -1 && errno == EBADF);
    assert(hclose(ch[1]) == 0);
    hclose(p[0]);
    hclose(p[1]);

    /* EFAULT: certificate and key. */
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
    for(size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        fails_on_pairs(cases[i][0], cases[i][1], EFAULT);
    /* EINVAL: no storage. */
    assert(ipc_pair(p) == 0);
    assert(tls_attach_server_mem(p[0], crt, key, NULL, now() + 1000) == -1 && errno == EINVAL);
    closed(p[1]);
    assert(ipc_pair(p) == 0);
    assert(tls_attach_client_mem(p[0], NULL, now() + 1000) == -1 && errno == EINVAL);
    closed(p[1]);

    /* ECANCELED */
    struct canceled r;
    int peers[3];
    for(int i = 0; i < 3; i++) {
        assert(ipc_pair(p) == 0);
        r.s[i] = p[0];
        peers[i] = p[1];
    }
    cr = go(in_canceled(&r));
    assert(cr >= 0);
    assert(hclose(cr) == 0);
    assert(r.client == ECANCELED && r.client_mem == ECANCELED && r.server == ECANCELED);
    for(int i = 0; i < 3; i++) closed(peers[i]);
    return 0;
}
