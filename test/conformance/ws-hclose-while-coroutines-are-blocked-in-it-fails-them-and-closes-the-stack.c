/* hclose of a WebSocket closes the whole stack (the peer sees the end of
   the stream) even while other coroutines are blocked in it: a receiver, a
   sender in the middle of a message, a sender waiting for a pong to go
   out; each gets an error (never a crash or a use after free) and the
   object is freed once the last of them leaves.  Upstream libdill aborts
   here (an assertion fails: `rc == 0` in fd.c:388, closing a socket a
   coroutine is waiting on), and it does not answer pings; we wake them
   with an error.  The pong part also depends on our build: it fills the
   pipe with exactly what an ipc_pair buffers here (256 KiB).  (The
   attach/close/detach cycles: ws-attach-exchange-close-and-detach-cycles-do-not-leak.c.) */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ws-helpers.h"

static int failures;

coroutine void receiver(int ws) {
    char buf[16];
    int fl;
    if(ws_recv(ws, &fl, buf, sizeof(buf), now() + 5000) == -1) failures++;
}

coroutine void sender(int ws, const char *m, size_t len) {
    if(ws_send(ws, WS_BINARY, m, len, now() + 5000) == -1) failures++;
}

static void close_while_blocked(int client) {
    int ws, raw;
    ws_raw_pair(client, 0, &ws, &raw);
    size_t big = 1 << 20;
    char *m = calloc(1, big);
    assert(m);
    int b = bundle();
    assert(b >= 0);
    failures = 0;
    assert(bundle_go(b, receiver(ws)) == 0);
    assert(bundle_go(b, sender(ws, m, big)) == 0);
    msleep(now() + 20);
    assert(hclose(ws) == 0);
    assert(bundle_wait(b, now() + 5000) == 0);
    assert(failures == 2);
    hclose(b);
    /* The peer sees the stream end (after what was sent). */
    char x[65536];
    for(;;) {
        int rc = brecv(raw, x, 1, now() + 5000);
        if(rc == -1) { assert(errno == EPIPE || errno == ECONNRESET); break; }
    }
    hclose(raw);

    /* A sender waiting for the receiver's pong, which is stuck in a full
       pipe. */
    ws_raw_pair(client, 0, &ws, &raw);
    size_t fill = 256 * 1024 - (client ? 14 : 10);
    assert(ws_send(ws, WS_BINARY, m, fill, 0) == 0);
    raw_frame(raw, 1, OP_PING, client ? NULL : KEY, "p", 1);
    b = bundle();
    failures = 0;
    assert(bundle_go(b, receiver(ws)) == 0);
    msleep(now() + 20);
    assert(bundle_go(b, sender(ws, "waits", 5)) == 0);
    msleep(now() + 20);
    assert(failures == 0);
    assert(hclose(ws) == 0);
    assert(bundle_wait(b, now() + 5000) == 0);
    assert(failures == 2);
    hclose(b);
    hclose(raw);
    free(m);
}

int main(void) {
    close_while_blocked(1);
    close_while_blocked(0);
    return 0;
}
