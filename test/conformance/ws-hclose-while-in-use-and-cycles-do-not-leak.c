/* hclose of a WebSocket closes the whole stack (the peer sees the end of
   the stream) even while other coroutines are blocked in it: a receiver, a
   sender in the middle of a message, a sender waiting for a pong to go
   out; each gets an error (never a crash or a use after free) and the
   object is freed once the last of them leaves.  Thousands of attach /
   exchange / hclose and attach / detach cycles, malloc'd and in the
   caller's memory, leave the heap where it was. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

static void exchange(int c, int s) {
    char buf[8];
    int fl;
    assert(ws_send(c, WS_TEXT, "ping", 4, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 4);
    assert(ws_send(s, WS_BINARY, "pong", 4, -1) == 0);
    assert(ws_recv(c, &fl, buf, sizeof(buf), -1) == 4);
}

static struct ws_storage m1, m2;

static void cycle(int i) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int c, s;
    if(i & 1) {
        c = ws_attach_client_mem(p[0], WS_NOHTTP, NULL, NULL, &m1, -1);
        s = ws_attach_server_mem(p[1], WS_NOHTTP, NULL, 0, NULL, 0, &m2, -1);
    } else {
        c = ws_attach_client(p[0], WS_NOHTTP, NULL, NULL, -1);
        s = ws_attach_server(p[1], WS_NOHTTP, NULL, 0, NULL, 0, -1);
    }
    assert(c >= 0 && s >= 0);
    exchange(c, s);
    if(i & 2) {
        assert(hclose(c) == 0);
        assert(hclose(s) == 0);
        return;
    }
    assert(ws_done(s, 1000, NULL, 0, -1) == 0);
    int u = ws_detach(c, 1000, "bye", 3, -1);
    assert(u >= 0);
    int v = ws_detach(s, 0, NULL, 0, -1);
    assert(v >= 0);
    assert(hclose(u) == 0);
    assert(hclose(v) == 0);
}

int main(void) {
    close_while_blocked(1);
    close_while_blocked(0);
    for(int i = 0; i < 500; i++) cycle(i);
    char *brk0 = sbrk(0);
    for(int i = 0; i < 20000; i++) cycle(i);
    char *brk1 = sbrk(0);
    assert(brk1 - brk0 < 256 * 1024);
    return 0;
}
