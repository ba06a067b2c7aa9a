/* An item with a NULL base in a receive list means "skip", whatever its
   length, SIZE_MAX included: mrecvl(s, &iol, &iol, -1) with {NULL,
   SIZE_MAX} drops one whole message of any size and returns its size, as
   does mrecv(s, NULL, SIZE_MAX, -1) (and, on PREFIX, mrecvl(s, NULL, NULL,
   -1)), on PREFIX, SUFFIX and a WebSocket client as upstream's.  TERM, UDP,
   a WebSocket server and NULL lists on SUFFIX and WebSocket, where upstream
   fails: msock-skip-items-and-null-lists-work-on-every-message-socket.c.  Skip items
   mix with real buffers (the bytes before them land in the buffers), and
   the message after is received intact.  (The EINVAL for impossible totals
   is for real buffers only: bsock-msock-and-posix-io-reject-impossible-
   lengths-and-buffers.c.) */
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
    check(a, b, 1);
    assert(hclose(a) == 0 && hclose(b) == 0);

    assert(ipc_pair(p) == 0);
    a = suffix_attach(p[0], "\r\n", 2);
    b = suffix_attach(p[1], "\r\n", 2);
    assert(a >= 0 && b >= 0);
    check(a, b, 0);
    assert(hclose(a) == 0 && hclose(b) == 0);

    ws_pair(&a, &b);
    check(a, b, 0);   /* the client receiving */
    assert(hclose(a) == 0 && hclose(b) == 0);
    return 0;
}
