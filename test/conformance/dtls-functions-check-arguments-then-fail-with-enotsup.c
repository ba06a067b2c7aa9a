/* DTLS is declared but not available in this build (docs/c-guide.md: "TLS and
   DTLS"): each function checks what it is given first (EBADF for a number
   that is not a handle, EPROTO for attaching to something that is not a
   message socket, EINVAL for a missing certificate, key or mem,
   ECANCELED in a canceled coroutine), then fails with ENOTSUP, and the
   socket it was given stays the caller's, working.

   Depends on our build: the native libdill of ../shared/oracle is built
   without DTLS (its dtls_* functions do not link), and upstream's DTLS,
   where built, does not fail with ENOTSUP. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include <libdill.h>

struct canceled { int s; int client, server; };

static coroutine void in_canceled(struct canceled *r) {
    msleep(-1);
    r->client = dtls_attach_client(r->s, -1) == -1 ? errno : 0;
    r->server = dtls_attach_server(r->s, "c.pem", "k.pem", -1) == -1 ? errno : 0;
}

int main(void) {
    struct dtls_storage mem;
    /* A message socket: UDP to ourselves. */
    struct ipaddr a;
    assert(ipaddr_local(&a, "127.0.0.1", 0, 0) == 0);
    int u = udp_open(&a, &a);
    assert(u >= 0);

    int bad[] = {-1, 4321};
    for(int i = 0; i < 2; i++) {
        assert(dtls_attach_client(bad[i], -1) == -1 && errno == EBADF);
        assert(dtls_attach_client_mem(bad[i], &mem, -1) == -1 && errno == EBADF);
        assert(dtls_attach_server(bad[i], "c.pem", "k.pem", -1) == -1 && errno == EBADF);
        assert(dtls_attach_server_mem(bad[i], "c.pem", "k.pem", &mem, -1) == -1 &&
            errno == EBADF);
        assert(dtls_done(bad[i], -1) == -1 && errno == EBADF);
        assert(dtls_detach(bad[i], -1) == -1 && errno == EBADF);
    }

    /* Not a message socket: a bytestream, a channel. */
    int p[2], ch[2];
    assert(ipc_pair(p) == 0);
    assert(chmake(ch) == 0);
    int others[] = {p[0], ch[0]};
    for(int i = 0; i < 2; i++) {
        assert(dtls_attach_client(others[i], -1) == -1 && errno == EPROTO);
        assert(dtls_attach_server(others[i], "c.pem", "k.pem", -1) == -1 && errno == EPROTO);
        assert(dtls_attach_client_mem(others[i], &mem, -1) == -1 && errno == EPROTO);
    }

    /* Missing arguments. */
    assert(dtls_attach_server(u, NULL, "k.pem", -1) == -1 && errno == EINVAL);
    assert(dtls_attach_server(u, "c.pem", NULL, -1) == -1 && errno == EINVAL);
    assert(dtls_attach_server_mem(u, "c.pem", "k.pem", NULL, -1) == -1 && errno == EINVAL);
    assert(dtls_attach_client_mem(u, NULL, -1) == -1 && errno == EINVAL);

    /* Everything right: not supported. */
    assert(dtls_attach_client(u, now() + 1000) == -1 && errno == ENOTSUP);
    assert(dtls_attach_client_mem(u, &mem, now() + 1000) == -1 && errno == ENOTSUP);
    assert(dtls_attach_server(u, "c.pem", "k.pem", now() + 1000) == -1 && errno == ENOTSUP);
    assert(dtls_attach_server_mem(u, "c.pem", "k.pem", &mem, now() + 1000) == -1 &&
        errno == ENOTSUP);
    /* No handle is a DTLS socket. */
    int hs[] = {u, p[0], ch[0]};
    for(int i = 0; i < 3; i++) {
        assert(dtls_done(hs[i], -1) == -1 && errno == ENOTSUP);
        assert(dtls_detach(hs[i], -1) == -1 && errno == ENOTSUP);
    }

    /* ECANCELED before anything else is looked at. */
    struct canceled r = {u, 0, 0};
    int cr = go(in_canceled(&r));
    assert(cr >= 0);
    assert(hclose(cr) == 0);
    assert(r.client == ECANCELED && r.server == ECANCELED);

    /* The UDP socket is untouched. */
    assert(msend(u, "still mine", 10, now() + 1000) == 0);
    char buf[16];
    assert(mrecv(u, buf, sizeof(buf), now() + 1000) == 10);
    assert(memcmp(buf, "still mine", 10) == 0);
    hclose(u);
    hclose(p[0]);
    hclose(p[1]);
    hclose(ch[0]);
    hclose(ch[1]);
    return 0;
}
