/* The close handshake.  ws_done sends a close frame with the status and
   reason (exact bytes checked raw), is a half-close: later sends fail with
   EPIPE (ws_done again too), receiving goes on, and the peer, once it has
   received everything before it, gets EPIPE and ws_status tells the status
   and reason (EAGAIN before; EMSGSIZE if the buffer is too small; NULL
   buffer: just the length; no status: 0).  ws_detach does the handshake
   (sending ours, dropping messages until the peer's close) and hands back
   the underlying socket with the bytes after the close frame intact, from
   either side and whichever closes first.  Statuses out of 1000-4999 and
   a NULL reason with a length: EINVAL.  ws_done whose frame cannot go out:
   ETIMEDOUT.  A stream that ends with no close frame ends the receiving
   side (EPIPE, no status) and a detach.  A detach that fails (a bad status,
   a deadline) leaves the socket open, as upstream does (its manual says it
   closes it): the caller closes it.  Where upstream differs: the reason of a client's
   close frame read by a server (upstream garbles it:
   ws-server-reads-the-reason-of-a-clients-close-frame.c), statuses and
   reasons RFC 6455 forbids (upstream sends them:
   ws-done-refuses-close-frames-rfc-6455-forbids.c), a ping after ws_done
   (upstream fails: ws-a-ping-after-ws-done-is-not-answered-and-not-an-error.c),
   the handle after a detach (hclose crashes upstream:
   ws-detach-leaves-no-handle-behind.c). */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"
#include "libdillimpl.h"

static void done_and_status(int client) {
    int ws, raw;
    ws_raw_pair(client, 0, &ws, &raw);
    const uint8_t *k = client ? NULL : KEY;
    int st = -1;
    char buf[200];
    assert(ws_status(ws, &st, buf, sizeof(buf)) == -1 && errno == EAGAIN);

    /* Our close frame, exactly. */
    assert(ws_done(ws, 4321, "going away now", 14, -1) == 0);
    int b0, masked;
    uint8_t p[125];
    size_t n = raw_read(raw, &b0, &masked, p, sizeof(p));
    assert(b0 == (0x80 | OP_CLOSE) && masked == client && n == 16);
    assert(p[0] == 4321 >> 8 && p[1] == (4321 & 0xff));
    assert(memcmp(p + 2, "going away now", 14) == 0);
    /* Half-closed: no more sending ... */
    assert(ws_done(ws, 1000, NULL, 0, -1) == -1 && errno == EPIPE);
    assert(ws_send(ws, WS_TEXT, "late", 4, -1) == -1 && errno == EPIPE);
    assert(msend(ws, "late", 4, -1) == -1 && errno == EPIPE);
    struct iolist late = {"late", 4, NULL, 0};
    assert(ws_sendl(ws, WS_BINARY, &late, &late, -1) == -1 && errno == EPIPE);
    assert(msendl(ws, &late, &late, -1) == -1 && errno == EPIPE);
    /* ... receiving goes on. */
    raw_frame(raw, 1, OP_TEXT, k, "still here", 10);
    int fl;
    assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == 10);
    assert(ws_status(ws, &st, buf, sizeof(buf)) == -1 && errno == EAGAIN);
    /* The peer's close: EPIPE, then the status (and for a client, the
       reason: a server's is checked in
       ws-server-reads-the-reason-of-a-clients-close-frame.c). */
    uint8_t c[20] = {1001 >> 8, 1001 & 0xff};
    memcpy(c + 2, "bye", 3);
    size_t rl = client ? 3 : 0;
    raw_frame(raw, 1, OP_CLOSE, k, c, 2 + rl);
    assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    assert(mrecv(ws, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    memset(buf, 0, sizeof(buf));
    assert(ws_status(ws, &st, buf, sizeof(buf)) == (ssize_t)rl);
    assert(st == 1001 && memcmp(buf, "bye", rl) == 0);
    st = -1;
    assert(ws_status(ws, &st, NULL, 0) == (ssize_t)rl && st == 1001);
    if(client) {
        assert(ws_status(ws, &st, buf, 3) == 3);
        assert(ws_status(ws, &st, buf, 2) == -1 && errno == EMSGSIZE);
    }
    /* Nothing was sent after our close frame. */
    assert(hclose(ws) == 0);
    assert(brecv(raw, buf, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(raw) == 0);

    /* A close frame with no payload: status 0, no reason.  Our empty one. */
    ws_raw_pair(client, 0, &ws, &raw);
    raw_frame(raw, 1, OP_CLOSE, k, "", 0);
    assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    st = -1;
    assert(ws_status(ws, &st, buf, sizeof(buf)) == 0 && st == 0);
    /* The other half still sends (a half-close), then closes with nothing. */
    assert(ws_send(ws, WS_BINARY, "after", 5, -1) == 0);
    assert(ws_done(ws, 0, NULL, 0, -1) == 0);
    n = raw_read(raw, &b0, &masked, p, sizeof(p));
    assert(b0 == (0x80 | OP_BIN) && n == 5 && memcmp(p, "after", 5) == 0);
    n = raw_read(raw, &b0, &masked, p, sizeof(p));
    assert(b0 == (0x80 | OP_CLOSE) && n == 0);
    assert(hclose(ws) == 0);
    assert(hclose(raw) == 0);
}

static void bad_arguments(void) {
    int c, s;
    ws_pair(0, &c, &s);
    char reason[123];
    memset(reason, 'r', sizeof(reason));
    int bad[] = {1, 999, 5000, 65535, -1000, 66536};
    for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert(ws_done(c, bad[i], NULL, 0, -1) == -1 && errno == EINVAL);
    }
    assert(ws_done(c, 1000, NULL, 50, -1) == -1 && errno == EINVAL);
    /* Nothing was sent: a valid one still works, 123 bytes of reason. */
    assert(ws_done(c, 3000, reason, 123, -1) == 0);
    int fl, st;
    char buf[200];
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    assert(ws_status(s, &st, NULL, 0) == 123 && st == 3000);
    hclose(c);
    hclose(s);
    /* Any status of 1000-4999 otherwise, reserved ones too. */
    int good[] = {1000, 1004, 1014, 1016, 2999, 4999};
    for(size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ws_pair(0, &c, &s);
        assert(ws_done(s, good[i], "", 0, -1) == 0);
        assert(ws_recv(c, &fl, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
        assert(ws_status(c, &st, buf, sizeof(buf)) == 0 && st == good[i]);
        hclose(c);
        hclose(s);
    }
    /* ws_detach with a bad status fails and leaves the socket open. */
    int p[2];
    assert(ipc_pair(p) == 0);
    c = ws_attach_client(p[0], WS_NOHTTP, NULL, NULL, -1);
    assert(ws_detach(c, 999, NULL, 0, -1) == -1 && errno == EINVAL);
    assert(brecv(p[1], buf, 1, 0) == -1 && errno == ETIMEDOUT);
    assert(hclose(c) == 0);
    int rc = brecv(p[1], buf, 1, now() + 1000);
    assert(rc == -1 && (errno == EPIPE || errno == ECONNRESET));
    hclose(p[1]);
}

/* ws_detach on both sides, with bytes after the close frames. */
static int dres;
coroutine void detacher(int ws) {
    dres = ws_detach(ws, 1000, "ok", 2, now() + 5000);
}

static void detach_both(void) {
    int c, s;
    ws_pair(0, &c, &s);
    /* Messages still in flight are dropped by the detaching side. */
    assert(ws_send(s, WS_TEXT, "unread", 6, -1) == 0);
    int h = go(detacher(s));
    int u = ws_detach(c, 1001, "client leaves", 13, now() + 5000);
    assert(u >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(dres >= 0);
    /* The underlying sockets are back and in step. */
    char buf[8];
    assert(bsend(u, "raw!", 4, -1) == 0);
    assert(brecv(dres, buf, 4, -1) == 0 && memcmp(buf, "raw!", 4) == 0);
    assert(bsend(dres, "back", 4, -1) == 0);
    assert(brecv(u, buf, 4, -1) == 0 && memcmp(buf, "back", 4) == 0);
    hclose(u);
    hclose(dres);
}

coroutine void late_peer(int raw, const uint8_t *frames, size_t n) {
    msleep(now() + 20);
    assert(bsend(raw, frames, n, -1) == 0);
}

/* Against a raw peer: the exact bytes, and what follows the peer's close
   frame stays in the socket. */
static void detach_raw(int client, int peer_first) {
    int ws, raw;
    ws_raw_pair(client, 0, &ws, &raw);
    const uint8_t *k = client ? NULL : KEY;
    uint8_t c[2] = {1000 >> 8, 1000 & 0xff};
    uint8_t frames[64];
    size_t n = 0;
    /* A message before the close, for ws_recv or dropped by a client's
       detach (a server's: ws-detach-drops-messages-that-come-before-the-peers-close.c,
       where upstream crashes). */
    if(peer_first || client)
        n += frame_ex(frames, 0x80 | OP_TEXT, k, "dropped", 7, LEN_MINIMAL);
    n += frame_ex(frames + n, 0x80 | OP_CLOSE, k, c, 2, LEN_MINIMAL);
    memcpy(frames + n, "TAIL", 4);
    if(peer_first) assert(bsend(raw, frames, n + 4, -1) == 0);
    if(peer_first) {
        /* The close is received first, by ws_recv. */
        char buf[16];
        int fl;
        assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == 7);
        assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    }
    int h = -1;
    if(!peer_first) {
        /* The detach waits for the peer's close. */
        h = go(late_peer(raw, frames, n + 4));
    }
    int u = ws_detach(ws, 4000, "x", 1, now() + 5000);
    assert(u >= 0);
    int b0, masked;
    uint8_t p[125];
    size_t m = raw_read(raw, &b0, &masked, p, sizeof(p));
    assert(b0 == (0x80 | OP_CLOSE) && masked == client && m == 3);
    assert(p[0] == 4000 >> 8 && p[1] == (4000 & 0xff) && p[2] == 'x');
    char tail[4];
    assert(brecv(u, tail, 4, now() + 5000) == 0 && memcmp(tail, "TAIL", 4) == 0);
    if(h >= 0) {
        assert(bundle_wait(h, now() + 5000) == 0);
        hclose(h);
    }
    hclose(u);
    hclose(raw);
}

/* A bytestream whose sends never go through: each waits for its deadline. */
struct stall {
    struct hvfs hvfs;
    struct bsock_vfs bvfs;
};

static void *stall_query(struct hvfs *vfs, const void *type) {
    if(type == bsock_type) return &((struct stall*)vfs)->bvfs;
    errno = ENOTSUP;
    return NULL;
}

static void stall_close(struct hvfs *vfs) {}

static int stall_bsendl(struct bsock_vfs *vfs, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    if(msleep(deadline) == 0) errno = ETIMEDOUT;
    return -1;
}

static int stall_brecvl(struct bsock_vfs *vfs, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    return stall_bsendl(vfs, first, last, deadline);
}

static void detach_failures(void) {
    /* ws_done: ETIMEDOUT when its frame cannot go out. */
    static struct stall stalled = {{stall_query, stall_close}, {stall_bsendl, stall_brecvl}};
    int sh = hmake(&stalled.hvfs);
    assert(sh >= 0);
    int w = ws_attach_server(sh, WS_NOHTTP, NULL, 0, NULL, 0, -1);
    assert(w >= 0);
    int64_t t0 = now();
    assert(ws_done(w, 1000, NULL, 0, now() + 60) == -1 && errno == ETIMEDOUT);
    assert(now() - t0 >= 50);
    assert(hclose(w) == 0);

    /* The peer's stream ends with no close frame: receives fail with EPIPE
       (no status to tell: EAGAIN), and a detach ends there, handing back
       the socket, as upstream does. */
    int ws, raw;
    ws_raw_pair(1, 0, &ws, &raw);
    assert(ipc_done(raw, -1) == 0);
    char buf[16];
    int fl, st;
    assert(ws_recv(ws, &fl, buf, sizeof(buf), now() + 5000) == -1 && errno == EPIPE);
    assert(ws_recv(ws, &fl, buf, sizeof(buf), now() + 5000) == -1 && errno == EPIPE);
    assert(ws_status(ws, &st, buf, sizeof(buf)) == -1 && errno == EAGAIN);
    assert(hclose(ws) == 0);
    hclose(raw);
    for(int client = 0; client < 2; client++) {
        ws_raw_pair(client, 0, &ws, &raw);
        assert(ipc_done(raw, -1) == 0);
        int u = ws_detach(ws, 1000, NULL, 0, now() + 5000);
        assert(u >= 0);
        int b0, masked;
        uint8_t p[125];
        assert(raw_read(raw, &b0, &masked, p, sizeof(p)) == 2 && b0 == (0x80 | OP_CLOSE));
        assert(brecv(u, buf, 1, now() + 5000) == -1 && errno == EPIPE);
        hclose(u);
        hclose(raw);
    }
    /* The peer never answers: ETIMEDOUT, our close frame went out, the
       socket is still open until closed. */
    ws_raw_pair(0, 0, &ws, &raw);
    int64_t t = now();
    assert(ws_detach(ws, 1000, NULL, 0, now() + 100) == -1 && errno == ETIMEDOUT);
    assert(now() - t >= 90);
    int b0, masked;
    uint8_t p[125];
    assert(raw_read(raw, &b0, &masked, p, sizeof(p)) == 2 && b0 == (0x80 | OP_CLOSE));
    char x;
    assert(brecv(raw, &x, 1, 0) == -1 && errno == ETIMEDOUT);
    assert(hclose(ws) == 0);
    int rc = brecv(raw, &x, 1, now() + 1000);
    assert(rc == -1 && (errno == EPIPE || errno == ECONNRESET));
    hclose(raw);
    /* After ws_done, detach only waits for the peer's close. */
    int c, s;
    ws_pair(0, &c, &s);
    assert(ws_done(c, 1000, NULL, 0, -1) == 0);
    assert(ws_done(s, 1000, NULL, 0, -1) == 0);
    int u = ws_detach(c, 0, NULL, 0, now() + 5000);
    assert(u >= 0);
    int v = ws_detach(s, 0, NULL, 0, now() + 5000);
    assert(v >= 0);
    hclose(u);
    hclose(v);
}

int main(void) {
    done_and_status(1);
    done_and_status(0);
    bad_arguments();
    detach_both();
    for(int client = 0; client < 2; client++) {
        detach_raw(client, 1);
        detach_raw(client, 0);
    }
    detach_failures();
    return 0;
}
