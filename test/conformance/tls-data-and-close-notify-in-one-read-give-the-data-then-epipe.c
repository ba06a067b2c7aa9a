/* Data records and the peer's close_notify that arrive together (the
   receiver was busy meanwhile: one segment, one read of an ipc_pair) give
   all the data, then EPIPE, however the receiver asks: one brecv for all
   of it, or byte by byte; with short records and with long ones.  The
   end of the stream reaches the engine a little after the record that
   carries it (Node tells it on a later tick): the receive must still
   wait for it, not for the peer. */
#include "tls-helpers.h"

#define BIG 40000

static char data[BIG];

struct side {
    int s;
    size_t len;
    int bytewise;
    int ok;
};

static coroutine void server(struct side *r) {
    int t = tls_attach_server(r->s, tls_crt("srv"), tls_key("srv"), now() + 5000);
    assert(t >= 0);
    /* Busy while the client sends and ends. */
    assert(msleep(now() + 50) == 0);
    static char buf[BIG];
    if(r->bytewise) {
        for(size_t i = 0; i < r->len; i++) assert(brecv(t, buf + i, 1, now() + 5000) == 0);
    } else {
        assert(brecv(t, buf, r->len, now() + 5000) == 0);
    }
    assert(memcmp(buf, data, r->len) == 0);
    /* Nothing more will come: the end, at once (well before the deadline,
       and the client holds its socket open until we are done). */
    int64_t t0 = now();
    assert(brecv(t, buf, 1, now() + 3000) == -1 && errno == EPIPE);
    assert(now() - t0 < 1000);
    assert(brecv(t, buf, 1, now() + 1000) == -1 && errno == EPIPE);
    hclose(t);
    r->ok = 1;
}

int main(void) {
    tls_default_cert();
    for(size_t i = 0; i < sizeof(data); i++) data[i] = (char)(i * 13 + 1);
    size_t lens[] = {3, 2000, BIG};
    for(size_t i = 0; i < 3; i++) {
        for(int bytewise = 0; bytewise < 2; bytewise++) {
            if(bytewise && lens[i] > 2000) continue;
            int p[2];
            assert(ipc_pair(p) == 0);
            struct side r = {p[1], lens[i], bytewise, 0};
            int h = go(server(&r));
            assert(h >= 0);
            int t = tls_attach_client(p[0], now() + 5000);
            assert(t >= 0);
            assert(bsend(t, data, lens[i], now() + 5000) == 0);
            assert(tls_done(t, now() + 5000) == 0);
            assert(bundle_wait(h, now() + 5000) == 0);
            hclose(h);
            assert(r.ok);
            hclose(t);
        }
    }
    return 0;
}
