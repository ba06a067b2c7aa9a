/* The receiving side reads a long record together with what has come of
   the next record's header (one receive a record in a stream), never
   anything past a short record, which may be the close_notify.  So when
   long records, the peer's close_notify and plain bytes behind it arrive
   together (one segment, or one read of an ipc_pair), the TLS receive
   stops exactly at the close_notify: after tls_detach the socket below
   gives the plain bytes, all of them, first.  Also with a short record
   right before the close_notify, and with long records of every size
   around the point where the read-ahead starts. */
#include "tls-helpers.h"

#define BIG 65536

struct side {
    int s;
    size_t len;     /* what the client sends before it detaches */
    int ok;
};

static char data[BIG];

/* Waits for `len` bytes of TLS data, then detaches (its own close_notify
   went out at the start, tls_done) and reads the plain bytes behind the
   client's. */
static coroutine void server(struct side *r) {
    int t = tls_attach_server(r->s, tls_crt("srv"), tls_key("srv"), now() + 5000);
    assert(t >= 0);
    /* Our close_notify first: the client's detach then ends at once, and
       its plain bytes follow its close_notify without a pause. */
    assert(tls_done(t, now() + 5000) == 0);
    /* Let everything come in (the same segment or read, as it goes). */
    assert(msleep(now() + 50) == 0);
    static char buf[BIG];
    if(r->len) assert(brecv(t, buf, r->len, now() + 5000) == 0);
    assert(memcmp(buf, data, r->len) == 0);
    int u = tls_detach(t, now() + 5000);
    assert(u >= 0);
    char plain[6];
    assert(brecv(u, plain, 6, now() + 5000) == 0);
    assert(memcmp(plain, "PLAIN!", 6) == 0);
    hclose(u);
    r->ok = 1;
}

static void run(int c, int s, size_t len) {
    struct side r = {s, len, 0};
    int h = go(server(&r));
    assert(h >= 0);
    int t = tls_attach_client(c, now() + 5000);
    assert(t >= 0);
    if(len) assert(bsend(t, data, len, now() + 5000) == 0);
    int u = tls_detach(t, now() + 5000);
    assert(u >= 0);
    assert(bsend(u, "PLAIN!", 6, now() + 5000) == 0);
    hclose(u);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(r.ok);
}

int main(void) {
    tls_default_cert();
    for(size_t i = 0; i < sizeof(data); i++) data[i] = (char)(i * 7 + 3);
    /* Record payloads just under, at and over the read-ahead's bound,
       a short one, none, and four full records. */
    size_t lens[] = {BIG, 16384, 1100, 1000, 990, 100, 1, 0, 16384 * 3 + 5};
    for(size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        run(p[0], p[1], lens[i]);
        struct ipaddr a;
        assert(ipaddr_local(&a, "127.0.0.1", 0, 0) == 0);
        int ls = tcp_listen(&a, 1);
        assert(ls >= 0);
        struct ipaddr ra;
        assert(ipaddr_remote(&ra, "127.0.0.1", ipaddr_port(&a), 0, now() + 1000) == 0);
        int c = tcp_connect(&ra, now() + 1000);
        assert(c >= 0);
        int s = tcp_accept(ls, NULL, now() + 1000);
        assert(s >= 0);
        run(c, s, lens[i]);
        hclose(ls);
    }
    return 0;
}
