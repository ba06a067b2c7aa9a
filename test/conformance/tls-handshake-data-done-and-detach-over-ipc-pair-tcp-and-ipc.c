/* TLS between our own client and server over ipc_pair, TCP and IPC (and
   with the _mem variants): data both ways; tls_done sends close_notify and
   the peer gets EPIPE only after all the data, while the other direction
   goes on (a half-close); tls_done twice and bsend after it are EPIPE;
   tls_detach does the terminal handshake and hands back the underlying
   socket, which then carries plain bytes both ways, the bytes a peer sent
   right behind its close_notify included (nothing was read past it);
   attach takes the socket over (its old number is gone) and hclose of the
   TLS handle closes the socket below. */
#include "tls-helpers.h"
#include <unistd.h>

struct side {
    int s;
    int rc;
    int err;
};

/* The server end of the exchange in check_pair. */
static coroutine void server(int s, struct tls_storage *mem, struct side *r) {
    r->rc = -1;
    int t = mem ? tls_attach_server_mem(s, tls_crt("srv"), tls_key("srv"), mem, now() + 5000)
                : tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 5000);
    if(t < 0) {r->err = errno; return;}
    char buf[64];
    assert(brecv(t, buf, 11, now() + 5000) == 0);
    assert(memcmp(buf, "hello world", 11) == 0);
    assert(bsend(t, "HELLO WORLD", 11, now() + 5000) == 0);
    /* The client's tls_done: EPIPE after all the data, then again. */
    assert(brecv(t, buf, 4, now() + 5000) == 0);
    assert(memcmp(buf, "last", 4) == 0);
    assert(brecv(t, buf, 1, now() + 5000) == -1 && errno == EPIPE);
    assert(brecv(t, buf, 1, now() + 5000) == -1 && errno == EPIPE);
    /* Our direction still works. */
    assert(bsend(t, "still here", 10, now() + 5000) == 0);
    /* Detach: our close_notify; the client's has come already. */
    int u = tls_detach(t, now() + 5000);
    if(u < 0) {r->err = errno; return;}
    /* Plain bytes right behind our close_notify, before the client even
       detaches. */
    assert(bsend(u, "plain", 5, now() + 5000) == 0);
    assert(brecv(u, buf, 7, now() + 5000) == 0);
    assert(memcmp(buf, "answer!", 7) == 0);
    r->s = u;
    r->rc = 0;
}

static void check_pair(int c, int s, int mem) {
    struct tls_storage cmem, smem;
    struct side r = {0};
    int h = go(server(s, mem ? &smem : NULL, &r));
    assert(h >= 0);
    int t = mem ? tls_attach_client_mem(c, &cmem, now() + 5000)
                : tls_attach_client(c, now() + 5000);
    assert(t >= 0);
    /* The old number is gone (the server's attach took its numbers before
       ours, so nothing can have reused it yet). */
    assert(hclose(c) == -1 && errno == EBADF);
    assert(bsend(t, "hello ", 6, now() + 5000) == 0);
    assert(bsend(t, "world", 5, now() + 5000) == 0);
    char buf[64];
    assert(brecv(t, buf, 11, now() + 5000) == 0);
    assert(memcmp(buf, "HELLO WORLD", 11) == 0);
    assert(bsend(t, "last", 4, now() + 5000) == 0);
    assert(tls_done(t, now() + 5000) == 0);
    assert(tls_done(t, now() + 5000) == -1 && errno == EPIPE);
    assert(bsend(t, "x", 1, now() + 5000) == -1 && errno == EPIPE);
    struct iolist iol = {"x", 1, NULL, 0};
    assert(bsendl(t, &iol, &iol, now() + 5000) == -1 && errno == EPIPE);
    /* The server's data after our tls_done, then its close_notify. */
    assert(brecv(t, buf, 10, now() + 5000) == 0);
    assert(memcmp(buf, "still here", 10) == 0);
    assert(brecv(t, buf, 1, now() + 5000) == -1 && errno == EPIPE);
    int u = tls_detach(t, now() + 5000);
    assert(u >= 0);
    /* The socket below is ours again (the TLS handle is gone:
       tls-detach-leaves-no-handle-behind.c). */
    assert(brecv(u, buf, 5, now() + 5000) == 0);
    assert(memcmp(buf, "plain", 5) == 0);
    assert(bsend(u, "answer!", 7, now() + 5000) == 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(r.rc == 0);
    assert(hclose(u) == 0);
    assert(hclose(r.s) == 0);
}

/* hclose of the TLS handle closes the socket below: the peer's next
   receive sees the connection end without close_notify. */
static coroutine void closing_server(int s, struct side *r) {
    int t = tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 5000);
    assert(t >= 0);
    assert(bsend(t, "bye", 3, now() + 5000) == 0);
    /* The client's answer read, nothing of its is left unread (a close
       with unread bytes would reset the connection, "bye" with it). */
    char k;
    assert(brecv(t, &k, 1, now() + 5000) == 0 && k == 'k');
    assert(hclose(t) == 0);
    r->rc = 0;
}

static void check_hclose(int c, int s) {
    struct side r = {0, -1, 0};
    int h = go(closing_server(s, &r));
    int t = tls_attach_client(c, now() + 5000);
    assert(t >= 0);
    char buf[3];
    assert(brecv(t, buf, 3, now() + 5000) == 0);
    assert(memcmp(buf, "bye", 3) == 0);
    assert(bsend(t, "k", 1, now() + 5000) == 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(r.rc == 0);
    /* The end of the stream, without close_notify: ECONNRESET here, EPIPE
       upstream (tls-a-stream-that-ends-without-close-notify-is-econnreset.c);
       after it, receiving stays broken. */
    int rc = brecv(t, buf, 1, now() + 5000);
    int err = errno;
    assert(rc == -1 && (err == ECONNRESET || err == EPIPE));
    assert(brecv(t, buf, 1, now() + 5000) == -1 && errno == err);
    assert(hclose(t) == 0);
}

int main(void) {
    tls_default_cert();
    for(int mem = 0; mem < 2; mem++) {
        /* ipc_pair */
        int p[2];
        assert(ipc_pair(p) == 0);
        check_pair(p[0], p[1], mem);
        /* TCP on loopback */
        struct ipaddr a;
        assert(ipaddr_local(&a, "127.0.0.1", 0, 0) == 0);
        int ls = tcp_listen(&a, 10);
        assert(ls >= 0);
        int c = tcp_connect(&a, now() + 5000);
        assert(c >= 0);
        int s = tcp_accept(ls, NULL, now() + 5000);
        assert(s >= 0);
        check_pair(c, s, mem);
        /* IPC */
        const char *path = tls_path(mem ? "ipc-mem.sock" : "ipc.sock");
        int ils = ipc_listen(path, 10);
        assert(ils >= 0);
        c = ipc_connect(path, now() + 5000);
        assert(c >= 0);
        s = ipc_accept(ils, now() + 5000);
        assert(s >= 0);
        check_pair(c, s, mem);
        hclose(ils);
        unlink(path);
        /* hclose closes the whole stack. */
        assert(ipc_pair(p) == 0);
        check_hclose(p[0], p[1]);
        c = tcp_connect(&a, now() + 5000);
        s = tcp_accept(ls, NULL, now() + 5000);
        check_hclose(c, s);
        hclose(ls);
    }
    return 0;
}
