/* Data through TLS arrives intact whatever its shape: 4 MiB each way at
   the same time (a sender and a receiver coroutine on each side), writes
   of every size from 1 byte to 1 MiB read back in other sizes, bsendl
   lists of many items (empty ones included), brecvl lists, byte-by-byte
   exchanges.  Over TCP on loopback. */
#include "tls-helpers.h"

static unsigned char pattern(size_t i) {
    return (unsigned char)(i * 7 + (i >> 8) * 13 + (i >> 16));
}

/* Sends (send) or receives and checks `total` bytes of the pattern in
   pieces of `chunk`. */
struct job { int s; size_t total; size_t chunk; int send; int rc; };

static coroutine void transfer(struct job *j) {
    unsigned char *b = malloc(j->chunk);
    assert(b);
    j->rc = 0;
    for(size_t off = 0; off < j->total && j->rc == 0; off += j->chunk) {
        size_t n = j->total - off < j->chunk ? j->total - off : j->chunk;
        if(j->send) {
            for(size_t i = 0; i < n; i++) b[i] = pattern(off + i);
            if(bsend(j->s, b, n, now() + 10000) < 0) j->rc = -1;
        } else {
            if(brecv(j->s, b, n, now() + 10000) < 0) j->rc = -1;
            for(size_t i = 0; i < n && j->rc == 0; i++) if(b[i] != pattern(off + i)) j->rc = -2;
        }
    }
    free(b);
}

struct srv { int t; };

static coroutine void server(int s, struct srv *r) {
    r->t = tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 5000);
}

int main(void) {
    tls_default_cert();
    struct ipaddr a;
    assert(ipaddr_local(&a, "127.0.0.1", 0, 0) == 0);
    int ls = tcp_listen(&a, 10);
    assert(ls >= 0);
    int c = tcp_connect(&a, now() + 5000);
    int s = tcp_accept(ls, NULL, now() + 5000);
    assert(c >= 0 && s >= 0);
    struct srv r;
    int h = go(server(s, &r));
    int tc = tls_attach_client(c, now() + 5000);
    assert(tc >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    int ts = r.t;
    assert(ts >= 0);

    /* Full duplex, different chunk sizes on each end. */
    size_t total = 4 << 20;
    struct job j[4] = {
        {tc, total, 65536, 1, 0}, {ts, total, 10000, 0, 0},
        {ts, total, 1 << 20, 1, 0}, {tc, total, 4093, 0, 0},
    };
    int b = bundle();
    for(int i = 0; i < 4; i++) assert(bundle_go(b, transfer(&j[i])) == 0);
    assert(bundle_wait(b, now() + 20000) == 0);
    hclose(b);
    for(int i = 0; i < 4; i++) assert(j[i].rc == 0);

    /* Writes of many sizes, read back in one piece. */
    static unsigned char big[1 << 20], got[1 << 20];
    for(size_t i = 0; i < sizeof(big); i++) big[i] = pattern(i);
    size_t sizes[] = {1, 2, 5, 16383, 16384, 16385, 65535, 65536, 65537, 200000, 1 << 20};
    for(size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        struct job snd = {tc, sizes[k], sizes[k], 1, 0};
        int hs = go(transfer(&snd));
        memset(got, 0, sizes[k]);
        assert(brecv(ts, got, sizes[k], now() + 10000) == 0);
        for(size_t i = 0; i < sizes[k]; i++) assert(got[i] == pattern(i));
        assert(bundle_wait(hs, now() + 10000) == 0);
        hclose(hs);
        assert(snd.rc == 0);
    }

    /* A list of 100 items, some empty, and a receive list of three (one
       that skips bytes with a NULL base, where upstream crashes:
       tls-brecvl-skips-bytes-at-null-bases.c). */
    struct iolist items[100];
    size_t sent = 0;
    for(int i = 0; i < 100; i++) {
        size_t n = (i % 3 == 0) ? 0 : (size_t)(i * 37 % 500);
        items[i] = (struct iolist){big + sent, n, i < 99 ? &items[i + 1] : NULL, 0};
        sent += n;
    }
    assert(bsendl(tc, &items[0], &items[99], now() + 5000) == 0);
    static unsigned char mid[100];
    struct iolist r3 = {got + 100, sent - 200, NULL, 0};
    struct iolist r2 = {mid, 100, &r3, 0};
    struct iolist r1 = {got, 100, &r2, 0};
    memset(got, 0, sent);
    assert(brecvl(ts, &r1, &r3, now() + 5000) == 0);
    for(size_t i = 0; i < 100; i++) assert(got[i] == big[i] && mid[i] == big[100 + i]);
    for(size_t i = 100; i < sent - 100; i++) assert(got[i] == big[i + 100]);

    /* Byte by byte, both ways. */
    for(int i = 0; i < 200; i++) {
        unsigned char x = (unsigned char)i, y;
        assert(bsend(ts, &x, 1, now() + 5000) == 0);
        assert(brecv(tc, &y, 1, now() + 5000) == 0 && y == x);
        assert(bsend(tc, &y, 1, now() + 5000) == 0);
        assert(brecv(ts, &x, 1, now() + 5000) == 0 && x == y);
    }

    /* (The list checks, where upstream crashes or waits:
       tls-null-buffers-and-bad-lists-fail-with-einval-and-zero-bytes-at-once.c.) */
    /* The connection still works. */
    assert(bsend(tc, "end", 3, now() + 5000) == 0);
    assert(brecv(ts, got, 3, now() + 5000) == 0 && memcmp(got, "end", 3) == 0);

    hclose(tc);
    hclose(ts);
    hclose(ls);
    return 0;
}
