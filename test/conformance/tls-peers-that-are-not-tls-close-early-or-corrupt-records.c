/* A peer that does not speak TLS, or breaks the connection:
   - it sends something else (an HTTP request to our server, an SSH banner
     to our client): the attach fails with EPROTO at the first record
     header, and the socket is closed (the peer sees the end of it);
   - it closes at once, or in the middle of the handshake: ECONNRESET;
   - after the handshake, the connection ends without close_notify, or a
     record arrives corrupted (one bit flipped on the way by a relay), or a
     record header announces more than TLS allows: brecv fails with
     ECONNRESET, and so does every later brecv and bsend (TLS errors are
     fatal to the connection);
   - it never answers: ETIMEDOUT at the deadline.
   Upstream libdill (as the oracle builds it) fails here as a whole, and we
   keep ours: its attach does not wait for the handshake to succeed (garbage
   from the peer, a peer that closes, print OpenSSL's error to stderr and
   give a handle all the same), a silent peer blocks the attach forever
   whatever the deadline, a stream that ends without close_notify is EPIPE
   (see tls-a-stream-that-ends-without-close-notify-is-econnreset.c), and a
   corrupted record is received as if it were intact. */
#include "tls-helpers.h"

static coroutine void send_then_close(int s, const char *text) {
    bsend(s, text, strlen(text), now() + 5000);
    char c;
    /* Wait until the other side is done with us. */
    brecv(s, &c, 1, now() + 5000);
    hclose(s);
}

static coroutine void server_expecting(int s, int err) {
    int t = tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 5000);
    assert(t == -1 && errno == err);
}

/* Forwards TLS records from `from` to `to` until either end fails.  Once
   *mode is set, the next record has a bit flipped (1) or is replaced by a
   header announcing 2^15 bytes (2). */
static coroutine void relay(int from, int to, int *mode) {
    unsigned char rec[5 + 18432];
    for(;;) {
        if(brecv(from, rec, 5, -1) < 0) break;
        size_t len = (size_t)rec[3] << 8 | rec[4];
        if(brecv(from, rec + 5, len, -1) < 0) break;
        if(mode && *mode == 1) rec[5 + len / 2] ^= 0x10;
        if(mode && *mode == 2) {
            memcpy(rec, "\x17\x03\x03\x80\x00", 5);
            len = 0;
        }
        if(mode) *mode = 0;
        if(bsend(to, rec, 5 + len, -1) < 0) break;
    }
}

struct srv { int t; int err; };

static coroutine void plain_server(int s, struct srv *r) {
    r->t = tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 5000);
    r->err = errno;
}

int main(void) {
    tls_default_cert();
    char c;
    int p[2];

    /* Our server, an HTTP client. */
    assert(ipc_pair(p) == 0);
    int h = go(server_expecting(p[1], EPROTO));
    assert(bsend(p[0], "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27, now() + 5000) == 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    /* The server closed its end. */
    assert(brecv(p[0], &c, 1, now() + 5000) == -1);
    assert(errno == EPIPE || errno == ECONNRESET);
    hclose(p[0]);

    /* Our client, an SSH server. */
    assert(ipc_pair(p) == 0);
    h = go(send_then_close(p[1], "SSH-2.0-OpenSSH_9.2p1\r\n"));
    assert(tls_attach_client(p[0], now() + 5000) == -1 && errno == EPROTO);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);

    /* A record header that is TLS-like but too long. */
    assert(ipc_pair(p) == 0);
    h = go(send_then_close(p[1], "\x16\x03\x03\x7f\xff"));
    assert(tls_attach_client(p[0], now() + 5000) == -1 && errno == EPROTO);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);

    /* Peers that close at once. */
    assert(ipc_pair(p) == 0);
    hclose(p[1]);
    assert(tls_attach_client(p[0], now() + 5000) == -1 && errno == ECONNRESET);
    assert(ipc_pair(p) == 0);
    hclose(p[0]);
    assert(tls_attach_server(p[1], tls_crt("srv"), tls_key("srv"), now() + 5000) == -1 &&
        errno == ECONNRESET);

    /* A server that closes in the middle of the handshake: it reads the
       ClientHello's header only. */
    assert(ipc_pair(p) == 0);
    h = go(send_then_close(p[1], ""));
    assert(tls_attach_client(p[0], now() + 5000) == -1 && errno == ECONNRESET);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);

    /* Silent peers: ETIMEDOUT, the socket closed with the rest. */
    assert(ipc_pair(p) == 0);
    int64_t t0 = now();
    assert(tls_attach_client(p[0], now() + 100) == -1 && errno == ETIMEDOUT);
    assert(now() - t0 >= 100 && now() - t0 < 1000);
    /* The ClientHello, then the end: the client went away. */
    while(brecv(p[1], &c, 1, now() + 5000) == 0) {}
    assert(errno == EPIPE || errno == ECONNRESET);
    hclose(p[1]);
    assert(ipc_pair(p) == 0);
    assert(tls_attach_server(p[1], tls_crt("srv"), tls_key("srv"), now() + 100) == -1 &&
        errno == ETIMEDOUT);
    hclose(p[0]);

    /* After the handshake: the connection ends without close_notify. */
    assert(ipc_pair(p) == 0);
    struct srv r;
    h = go(plain_server(p[1], &r));
    int t = tls_attach_client(p[0], now() + 5000);
    assert(t >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(r.t >= 0);
    assert(bsend(r.t, "abc", 3, now() + 5000) == 0);
    hclose(r.t);
    char buf[8];
    assert(brecv(t, buf, 2, now() + 5000) == 0);
    assert(brecv(t, buf, 2, now() + 5000) == -1 && errno == ECONNRESET);
    assert(brecv(t, buf, 1, now() + 5000) == -1 && errno == ECONNRESET);
    hclose(t);

    /* A corrupted record, and one announcing 2^15 bytes, after the
       handshake: relays pass the records between a[1] (the client's wire)
       and b[0] (the server's). */
    for(int k = 1; k <= 2; k++) {
        int a[2], b[2];
        assert(ipc_pair(a) == 0);
        assert(ipc_pair(b) == 0);
        int mode = 0;
        int fw = go(relay(a[1], b[0], &mode));
        int bw = go(relay(b[0], a[1], NULL));
        h = go(plain_server(b[1], &r));
        t = tls_attach_client(a[0], now() + 5000);
        assert(t >= 0);
        assert(bundle_wait(h, now() + 5000) == 0);
        hclose(h);
        assert(r.t >= 0);
        mode = k;
        assert(bsend(t, "secret", 6, now() + 5000) == 0);
        assert(brecv(r.t, buf, 6, now() + 5000) == -1 && errno == ECONNRESET);
        assert(brecv(r.t, buf, 1, now() + 5000) == -1 && errno == ECONNRESET);
        /* Such an error is fatal to the connection: sending fails too. */
        assert(bsend(r.t, "reply", 5, now() + 5000) == -1 && errno == ECONNRESET);
        hclose(t);
        hclose(r.t);
        hclose(fw);
        hclose(bw);
        hclose(a[1]);
        hclose(b[0]);
    }
    return 0;
}
