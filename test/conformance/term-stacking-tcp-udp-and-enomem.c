/* TERM stacked on other message sockets: on PREFIX on TCP (both sides,
   traffic both ways, one side done first, detach on both, then
   prefix_detach and tcp_close); on SUFFIX "\r\n" on TCP with an empty
   terminal message (the shape of an HTTP head); on UDP sockets (a message
   socket of another kind).  And term_attach under memory exhaustion:
   ENOMEM, and (as every failed attach, upstream's too) the socket closed.
   Depends on our build for its ENOMEM part (the wasm heap run dry through
   our malloc), and fails natively before it: upstream's TERM over PREFIX
   crashes (see term-handshake-receive-lists-and-errors.c). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "libdill.h"
#include "oom-helpers.h"

static int detached;
coroutine static void detacher(int s, int prefix) {
    detached = term_detach(s, now() + 5000);
    if(prefix && detached >= 0) detached = prefix_detach(detached);
}

static void tcp_pair(int *a, int *b, int *ls) {
    struct ipaddr addr;
    assert(ipaddr_local(&addr, "127.0.0.1", 0, 0) == 0);
    *ls = tcp_listen(&addr, 10);
    assert(*ls >= 0);
    *a = tcp_connect(&addr, now() + 5000);
    *b = tcp_accept(*ls, NULL, now() + 5000);
    assert(*a >= 0 && *b >= 0);
}

int main(void) {
    char buf[256];
    int a, b, ls;

    /* TERM / PREFIX / TCP. */
    tcp_pair(&a, &b, &ls);
    a = term_attach(prefix_attach(a, 4, 0), "QUIT", 4);
    b = term_attach(prefix_attach(b, 4, 0), "QUIT", 4);
    assert(a >= 0 && b >= 0);
    for(int i = 0; i < 50; i++) {
        assert(msend(a, "ping", 4, -1) == 0);
        assert(mrecv(b, buf, sizeof(buf), now() + 5000) == 4);
        assert(msend(b, "pong", 4, -1) == 0);
        assert(mrecv(a, buf, sizeof(buf), now() + 5000) == 4);
    }
    assert(msend(a, "last from a", 11, -1) == 0);
    assert(term_done(a, -1) == 0);
    assert(mrecv(b, buf, sizeof(buf), now() + 5000) == 11);
    assert(mrecv(b, buf, sizeof(buf), now() + 5000) == -1 && errno == EPIPE);
    assert(msend(b, "last from b", 11, -1) == 0);
    assert(mrecv(a, buf, sizeof(buf), now() + 5000) == 11 && memcmp(buf, "last from b", 11) == 0);
    int h = go(detacher(a, 1));
    b = term_detach(b, now() + 5000);
    assert(b >= 0);
    b = prefix_detach(b);
    assert(b >= 0);
    assert(bundle_wait(h, now() + 5000) == 0 && hclose(h) == 0);
    a = detached;
    assert(a >= 0);
    assert(bsend(a, "tcp again", 9, -1) == 0);
    assert(brecv(b, buf, 9, now() + 5000) == 0 && memcmp(buf, "tcp again", 9) == 0);
    assert(tcp_done(b, -1) == 0);
    assert(brecv(a, buf, 1, now() + 5000) == -1 && errno == EPIPE);
    assert(tcp_close(a, now() + 5000) == 0);
    assert(tcp_close(b, now() + 5000) == 0);
    assert(hclose(ls) == 0);

    /* TERM "" / SUFFIX "\r\n" / TCP: lines, a blank line to end, then
       bytes of another protocol. */
    tcp_pair(&a, &b, &ls);
    struct term_storage tmem;
    struct suffix_storage smem;
    int sa = suffix_attach_mem(a, "\r\n", 2, &smem);
    a = term_attach_mem(sa, "", 0, &tmem);
    b = term_attach(suffix_attach(b, "\r\n", 2), NULL, 0);
    assert(a >= 0 && b >= 0);
    assert(msend(a, "Host: example.org", 17, -1) == 0);
    assert(msend(a, "Accept: */*", 11, -1) == 0);
    assert(term_done(a, -1) == 0);
    a = term_detach(a, now() + 50);   /* b has not ended its side */
    assert(a == -1 && errno == ETIMEDOUT);
    assert(mrecv(b, buf, sizeof(buf), now() + 5000) == 17);
    assert(mrecv(b, buf, sizeof(buf), now() + 5000) == 11);
    assert(mrecv(b, buf, sizeof(buf), now() + 5000) == -1 && errno == EPIPE);
    /* b has both terminal messages: its detach returns at once; a's socket
       was closed by its failed detach, so after the head b sees the end. */
    b = term_detach(b, now() + 5000);
    assert(b >= 0);
    assert(mrecv(b, buf, sizeof(buf), now() + 5000) == -1 && errno == EPIPE);
    assert(hclose(b) == 0);
    assert(hclose(ls) == 0);

    tcp_pair(&a, &b, &ls);
    a = term_attach(suffix_attach(a, "\r\n", 2), "", 0);
    b = term_attach(suffix_attach(b, "\r\n", 2), "", 0);
    assert(msend(a, "Line", 4, -1) == 0);
    assert(term_done(a, -1) == 0);
    int ua = -1;
    h = go(detacher(a, 0));
    assert(mrecv(b, buf, sizeof(buf), now() + 5000) == 4);
    b = term_detach(b, now() + 5000);
    assert(b >= 0);
    assert(bundle_wait(h, now() + 5000) == 0 && hclose(h) == 0);
    ua = detached;
    assert(ua >= 0);
    int ra = suffix_detach(ua, -1), rb = suffix_detach(b, -1);
    assert(ra >= 0 && rb >= 0);
    assert(bsend(ra, "body", 4, -1) == 0);
    assert(brecv(rb, buf, 4, now() + 5000) == 0 && memcmp(buf, "body", 4) == 0);
    assert(hclose(ra) == 0 && hclose(rb) == 0 && hclose(ls) == 0);

    /* TERM / UDP. */
    struct ipaddr la, lb;
    assert(ipaddr_local(&la, "127.0.0.1", 0, 0) == 0 && ipaddr_local(&lb, "127.0.0.1", 0, 0) == 0);
    /* Each socket sends to the other's address: a's port is chosen first,
       then a is opened again on it with b's. */
    int ua0 = udp_open(&la, NULL);
    assert(ua0 >= 0);
    int ub0 = udp_open(&lb, &la);
    assert(ub0 >= 0);
    assert(hclose(ua0) == 0);
    ua0 = udp_open(&la, &lb);
    assert(ua0 >= 0);
    a = term_attach(ua0, "END", 3);
    b = term_attach(ub0, "END", 3);
    assert(a >= 0 && b >= 0);
    assert(msend(a, "datagram", 8, -1) == 0);
    assert(mrecv(b, buf, sizeof(buf), now() + 5000) == 8);
    assert(term_done(b, -1) == 0);
    assert(mrecv(a, buf, sizeof(buf), now() + 5000) == -1 && errno == EPIPE);
    assert(term_done(a, -1) == 0);
    b = term_detach(b, now() + 5000);
    a = term_detach(a, now() + 5000);
    assert(a >= 0 && b >= 0);
    assert(msend(a, "plain udp", 9, -1) == 0);
    assert(mrecv(b, buf, sizeof(buf), now() + 5000) == 9);
    assert(hclose(a) == 0 && hclose(b) == 0);

    /* ENOMEM. */
    int p[2], q[2];
    assert(ipc_pair(p) == 0 && ipc_pair(q) == 0);
    int m = prefix_attach(p[0], 1, 0);
    int n = prefix_attach(q[0], 1, 0);
    assert(m >= 0 && n >= 0);
    struct chunk *chunks = exhaust_memory();
    assert(term_attach(m, "STOP", 4) == -1 && errno == ENOMEM);
    static char longmsg[1000];
    assert(term_attach_mem(n, longmsg, sizeof(longmsg), &tmem) == -1 && errno == ENOMEM);
    release_memory(chunks);
    assert(msend(m, "gone", 4, -1) == -1 && errno == EBADF);
    assert(msend(n, "gone", 4, -1) == -1 && errno == EBADF);
    assert(brecv(q[1], buf, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(q[1]) == 0);
    m = prefix_attach(p[1], 1, 0);
    assert(m >= 0);
    int t = term_attach_mem(m, longmsg, sizeof(longmsg), &tmem);
    assert(t >= 0);
    assert(hclose(t) == 0);
    return 0;
}
