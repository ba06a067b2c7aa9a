/* Skip items (a NULL base, any length, SIZE_MAX included) and NULL lists
   (mrecvl(s, NULL, NULL, -1)) drop one whole message of any size and return
   its size on every message socket: TERM (over PREFIX), UDP, WebSocket on
   both sides, SUFFIX, PREFIX; the bytes before a skip item land in the
   real buffers, and the message after is received intact.
   Upstream differs (bugs): TERM crashes on a skip item longer than its
   terminal message and fails NULL lists with EMSGSIZE for messages longer
   than it; SUFFIX crashes on NULL lists and loses the bytes after a skip
   item; a WebSocket server crashes on skip
   items (it unmasks them in place) and a client fails NULL lists with
   EFAULT; UDP hands the list to the kernel (EINVAL for SIZE_MAX, 0 instead
   of the size for NULL lists).  This program fails natively for those. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "libdill.h"

static char big[3000];

/* s receives what peer sends with msend. */
static void check(int s, int peer, int null_lists) {
    struct iolist skip = {NULL, SIZE_MAX, NULL, 0};
    char b[8];
    assert(msend(peer, big, sizeof(big), -1) == 0);
    assert(mrecvl(s, &skip, &skip, -1) == (ssize_t)sizeof(big));
    assert(msend(peer, "short", 5, -1) == 0);
    assert(mrecvl(s, &skip, &skip, -1) == 5);
    if(null_lists) {
        assert(msend(peer, big, sizeof(big), -1) == 0);
        assert(mrecvl(s, NULL, NULL, -1) == (ssize_t)sizeof(big));
    }
    assert(msend(peer, big, 100, -1) == 0);
    assert(mrecv(s, NULL, SIZE_MAX, -1) == 100);
    /* A skip item between real buffers. */
    char c[4];
    struct iolist t3 = {c, 4, NULL, 0}, t2 = {NULL, 3, &t3, 0}, t1 = {b, 2, &t2, 0};
    assert(msend(peer, "four-five", 9, -1) == 0);
    assert(mrecvl(s, &t1, &t3, -1) == 9);
    assert(memcmp(b, "fo", 2) == 0 && memcmp(c, "five", 4) == 0);
    /* A real buffer, then a skip item of any length. */
    struct iolist rest = {NULL, SIZE_MAX, NULL, 0}, head = {b, 3, &rest, 0};
    assert(msend(peer, "abcdefgh", 8, -1) == 0);
    assert(mrecvl(s, &head, &rest, -1) == 8 && memcmp(b, "abc", 3) == 0);
    assert(msend(peer, "after", 5, -1) == 0);
    assert(mrecv(s, b, sizeof(b), -1) == 5 && memcmp(b, "after", 5) == 0);
}

static int wsrv;
coroutine static void ws_server(int u) {
    char r[64], h[64];
    wsrv = ws_attach_server(u, WS_BINARY, r, sizeof(r), h, sizeof(h), -1);
}

/* A WebSocket client in *c, its server in *s. */
static void ws_pair(int *c, int *s) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int cr = go(ws_server(p[1]));
    *c = ws_attach_client(p[0], WS_BINARY, "/", "localhost", now() + 5000);
    assert(*c >= 0);
    assert(bundle_wait(cr, now() + 5000) == 0 && hclose(cr) == 0 && wsrv >= 0);
    *s = wsrv;
}

int main(void) {
    int p[2], a, b;
    memset(big, 'B', sizeof(big));

    assert(ipc_pair(p) == 0);
    a = prefix_attach(p[0], 2, PREFIX_BIG_ENDIAN);
    b = prefix_attach(p[1], 2, PREFIX_BIG_ENDIAN);
    assert(a >= 0 && b >= 0);
    int ta = term_attach(a, "END", 3), tb = term_attach(b, "END", 3);
    assert(ta >= 0 && tb >= 0);
    check(ta, tb, 1);
    assert(hclose(ta) == 0 && hclose(tb) == 0);

    assert(ipc_pair(p) == 0);
    a = suffix_attach(p[0], "\r\n", 2);
    b = suffix_attach(p[1], "\r\n", 2);
    assert(a >= 0 && b >= 0);
    check(a, b, 1);
    assert(hclose(a) == 0 && hclose(b) == 0);

    ws_pair(&a, &b);
    check(a, b, 1);
    check(b, a, 1);
    assert(hclose(a) == 0 && hclose(b) == 0);

    struct ipaddr addr;
    assert(ipaddr_local(&addr, "127.0.0.1", 0, 0) == 0);
    int u = udp_open(&addr, &addr);   /* sends to itself */
    assert(u >= 0);
    check(u, u, 1);
    assert(hclose(u) == 0);
    return 0;
}
