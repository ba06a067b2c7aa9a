/* Errors of every WebSocket function that do not need a misbehaving peer:
   EBADF (no such handle), ENOTSUP (a handle of another kind, also for the
   attach functions, as upstream: a channel, a UDP socket, a WebSocket is
   not a bytestream), EINVAL (NULL arguments, malformed lists), ECANCELED
   (in a canceled coroutine), ETIMEDOUT, EBUSY (two receivers, two
   senders).  As upstream, an attach that fails closes the socket it was
   given, and unknown flag bits are ignored.  (EMFILE and ENFILE, in the
   attach functions' list, cannot happen: a WebSocket takes no descriptor.
   ENOMEM: ws-attach-under-memory-exhaustion-fails-with-enomem-and-closes-the-socket.c.
   ws_attach_server with a closed handle, and without buffers for the
   HTTP handshake, where upstream crashes:
   ws-attach-server-to-a-handle-that-is-not-open-fails-with-ebadf.c and
   ws-attach-server-without-buffers-for-the-request-fails-with-einval.c.) */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ws-helpers.h"

static void usable(int a, int b) {
    char x[2];
    assert(bsend(a, "ok", 2, -1) == 0);
    assert(brecv(b, x, 2, -1) == 0 && memcmp(x, "ok", 2) == 0);
}

/* The socket an attach failed on is closed. */
static void gone(int h) {
    assert(hclose(h) == -1 && errno == EBADF);
}

static void handles(void) {
    char buf[16], host[16];
    int st, fl;
    struct iolist iol = {buf, sizeof(buf), NULL, 0};
    struct ws_storage mem;
    /* EBADF */
    int bad[] = {-1, 12345};
    for(int i = 0; i < 2; i++) {
        int h = bad[i];
        assert(ws_attach_client(h, WS_NOHTTP, NULL, NULL, -1) == -1 && errno == EBADF);
        assert(ws_attach_client_mem(h, WS_NOHTTP, NULL, NULL, &mem, -1) == -1 && errno == EBADF);
        assert(ws_attach_client(h, 0, "/", "h", -1) == -1 && errno == EBADF);
        assert(ws_send(h, WS_TEXT, "x", 1, -1) == -1 && errno == EBADF);
        assert(ws_recv(h, &fl, buf, sizeof(buf), -1) == -1 && errno == EBADF);
        assert(ws_sendl(h, WS_TEXT, &iol, &iol, -1) == -1 && errno == EBADF);
        assert(ws_recvl(h, &fl, &iol, &iol, -1) == -1 && errno == EBADF);
        assert(ws_done(h, 1000, NULL, 0, -1) == -1 && errno == EBADF);
        assert(ws_detach(h, 1000, NULL, 0, -1) == -1 && errno == EBADF);
        assert(ws_status(h, &st, buf, sizeof(buf)) == -1 && errno == EBADF);
    }
    assert(ws_attach_server(-1, WS_NOHTTP, NULL, 0, NULL, 0, -1) == -1 && errno == EBADF);
    assert(ws_attach_server_mem(-1, WS_NOHTTP, NULL, 0, NULL, 0, &mem, -1) == -1 &&
        errno == EBADF);
    assert(ws_attach_server(-1, 0, buf, sizeof(buf), host, sizeof(host), -1) == -1 &&
        errno == EBADF);
    /* ENOTSUP: an IPC socket is no WebSocket. */
    int p[2];
    assert(ipc_pair(p) == 0);
    int h = p[0];
    assert(ws_send(h, WS_TEXT, "x", 1, -1) == -1 && errno == ENOTSUP);
    assert(ws_recv(h, &fl, buf, sizeof(buf), -1) == -1 && errno == ENOTSUP);
    assert(ws_sendl(h, WS_TEXT, &iol, &iol, -1) == -1 && errno == ENOTSUP);
    assert(ws_recvl(h, &fl, &iol, &iol, -1) == -1 && errno == ENOTSUP);
    assert(ws_done(h, 1000, NULL, 0, -1) == -1 && errno == ENOTSUP);
    assert(ws_detach(h, 1000, NULL, 0, -1) == -1 && errno == ENOTSUP);
    assert(ws_status(h, &st, buf, sizeof(buf)) == -1 && errno == ENOTSUP);
    usable(p[0], p[1]);
    hclose(p[0]);
    hclose(p[1]);
    /* A WebSocket is not a bytestream, and not a socket to attach to. */
    int c, s;
    ws_pair(0, &c, &s);
    assert(bsend(c, "x", 1, -1) == -1 && errno == ENOTSUP);
    assert(ws_attach_client(c, WS_NOHTTP, NULL, NULL, -1) == -1 && errno == ENOTSUP);
    gone(c);
    assert(ws_attach_server(s, WS_NOHTTP, NULL, 0, NULL, 0, -1) == -1 && errno == ENOTSUP);
    gone(s);
    /* Nor is a channel or a UDP socket. */
    int ch[2];
    assert(chmake(ch) == 0);
    assert(ws_attach_client(ch[0], WS_NOHTTP, NULL, NULL, -1) == -1 && errno == ENOTSUP);
    gone(ch[0]);
    assert(ws_attach_server(ch[1], 0, buf, sizeof(buf), host, sizeof(host), -1) == -1 &&
        errno == ENOTSUP);
    gone(ch[1]);
    struct ipaddr a;
    assert(ipaddr_local(&a, "127.0.0.1", 0, 0) == 0);
    int u = udp_open(&a, NULL);
    assert(u >= 0);
    assert(ws_attach_client(u, WS_NOHTTP, NULL, NULL, -1) == -1 && errno == ENOTSUP);
    gone(u);

    /* EINVAL for the attach functions (a client needs a resource and a host
       for the HTTP handshake); the socket is closed. */
    for(int i = 0; i < 4; i++) {
        assert(ipc_pair(p) == 0);
        int rc = i == 0 ? ws_attach_client(p[0], 0, NULL, "host", -1) :
                 i == 1 ? ws_attach_client(p[0], WS_TEXT, "/", NULL, -1) :
                 i == 2 ? ws_attach_client_mem(p[0], WS_NOHTTP, NULL, NULL, NULL, -1) :
                          ws_attach_server_mem(p[0], WS_NOHTTP, NULL, 0, NULL, 0, NULL, -1);
        assert(rc == -1 && errno == EINVAL);
        gone(p[0]);
        assert(brecv(p[1], buf, 1, now() + 1000) == -1 && errno == EPIPE);
        hclose(p[1]);
    }
    /* Flag bits beyond WS_TEXT and WS_NOHTTP are ignored. */
    assert(ipc_pair(p) == 0);
    c = ws_attach_client(p[0], WS_NOHTTP | WS_TEXT | 8, NULL, NULL, -1);
    assert(c >= 0);
    s = ws_attach_server(p[1], WS_NOHTTP | 16, NULL, 0, NULL, 0, -1);
    assert(s >= 0);
    assert(msend(c, "hi", 2, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 2 && fl == WS_TEXT);
    hclose(c);
    hclose(s);

    /* Only the WS_TEXT bit of a message's flags counts; no list at all is
       an empty message. */
    ws_pair(0, &c, &s);
    assert(ws_send(c, 2, "x", 1, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 1 && fl == WS_BINARY);
    assert(ws_send(c, -1, "x", 1, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 1 && fl == WS_TEXT);
    assert(ws_sendl(c, 5, &iol, &iol, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == sizeof(buf) && fl == WS_TEXT);
    assert(ws_sendl(c, WS_TEXT, NULL, NULL, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 0 && fl == WS_TEXT);

    /* EINVAL for the others (NULL buffers with a length:
       ws-null-buffers-with-a-length-fail-with-einval.c). */
    struct iolist i2 = {buf, 1, NULL, 0};
    struct iolist i1 = {buf, 1, &i2, 0};
    struct iolist other = {buf, 1, NULL, 0};
    struct iolist rsvd = {buf, 1, NULL, 1};
    assert(ws_sendl(c, WS_TEXT, &i1, &i1, -1) == -1 && errno == EINVAL);  /* last->next */
    assert(ws_sendl(c, WS_TEXT, &i1, &other, -1) == -1 && errno == EINVAL);
    i1.iol_rsvd = 0;        /* upstream leaves it set, the list unusable */
    assert(ws_sendl(c, WS_TEXT, &rsvd, &rsvd, -1) == -1 && errno == EINVAL);
    assert(ws_recvl(c, &fl, &i1, &i1, -1) == -1 && errno == EINVAL);
    assert(ws_recvl(c, &fl, &rsvd, &rsvd, -1) == -1 && errno == EINVAL);
    i2.iol_next = &i1;                                                   /* a loop */
    assert(ws_sendl(c, WS_TEXT, &i1, &i2, -1) == -1 && errno == EINVAL);
    assert(ws_recvl(c, &fl, &i1, &i2, -1) == -1 && errno == EINVAL);
    i2.iol_next = NULL;
    /* None of that broke anything. */
    assert(ws_sendl(c, WS_TEXT, &i1, &i2, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 2 && fl == WS_TEXT);
    hclose(c);
    hclose(s);
}

/* ECANCELED: what this coroutine does after being canceled.  As upstream,
   only what has to wait is canceled: a receive (which breaks the
   receiving side: ECONNRESET afterwards), an attach (which closes the
   socket); sends and ws_done go out at once. */
static int cancel_checks;
coroutine void canceled(int ws, int spare, int spare2) {
    char buf[16];
    int fl, st;
    struct iolist iol = {buf, sizeof(buf), NULL, 0};
    assert(msleep(-1) == -1 && errno == ECANCELED);
    assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == -1 && errno == ECANCELED);
    assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
    assert(ws_recvl(ws, &fl, &iol, &iol, -1) == -1 && errno == ECONNRESET);
    assert(ws_send(ws, WS_TEXT, "x", 1, -1) == 0);
    assert(ws_sendl(ws, WS_TEXT, &iol, &iol, -1) == 0);
    assert(ws_done(ws, 1000, NULL, 0, -1) == 0);
    /* Not a blocking call: works. */
    assert(ws_status(ws, &st, buf, sizeof(buf)) == -1 && errno == EAGAIN);
    assert(ws_attach_client(spare, WS_NOHTTP, NULL, NULL, -1) == -1 && errno == ECANCELED);
    assert(hclose(spare) == -1 && errno == EBADF);
    assert(ws_attach_server(spare2, 0, buf, sizeof(buf), buf, sizeof(buf), -1) == -1 &&
        errno == ECANCELED);
    assert(hclose(spare2) == -1 && errno == EBADF);
    /* ws_detach cannot wait for the peer's close frame; as upstream, the
       socket stays open. */
    assert(ws_detach(ws, 1000, NULL, 0, -1) == -1 && errno == ECONNRESET);
    assert(hclose(ws) == 0);
    cancel_checks = 1;
}

static void cancellation(void) {
    int c, s, p[2], q[2];
    ws_pair(0, &c, &s);
    assert(ipc_pair(p) == 0);
    assert(ipc_pair(q) == 0);
    int h = go(canceled(c, p[0], q[0]));
    assert(h >= 0);
    assert(hclose(h) == 0);
    assert(cancel_checks == 1);
    /* What went out before: the two messages and the close frame. */
    char buf[16];
    int fl, st;
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 1 && fl == WS_TEXT);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == sizeof(buf) && fl == WS_TEXT);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    assert(ws_status(s, &st, NULL, 0) == 0 && st == 1000);
    /* The attach attempts closed the spare sockets. */
    assert(brecv(p[1], buf, 1, -1) == -1 && errno == EPIPE);
    assert(brecv(q[1], buf, 1, -1) == -1 && errno == EPIPE);
    hclose(p[1]);
    hclose(q[1]);
    hclose(s);
}
/* ETIMEDOUT: receiving, at once with 0 and after the deadline (the socket
   cannot receive any more: it may be mid-frame), and sending a message
   that does not fit in the pipe. */
static void deadlines(void) {
    int c, s;
    ws_pair(0, &c, &s);
    char buf[16];
    int fl;
    assert(ws_recv(s, &fl, buf, sizeof(buf), 0) == -1 && errno == ETIMEDOUT);
    assert(ws_recv(s, &fl, buf, sizeof(buf), now() + 50) == -1 && errno == ECONNRESET);
    int64_t t = now();
    assert(ws_recv(c, &fl, buf, sizeof(buf), now() + 60) == -1 && errno == ETIMEDOUT);
    assert(now() - t >= 50);
    assert(ws_recv(c, &fl, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
    size_t big = 2 << 20;
    char *m = calloc(1, big);
    assert(m);
    t = now();
    assert(ws_send(c, WS_BINARY, m, big, now() + 60) == -1 && errno == ETIMEDOUT);
    assert(now() - t >= 50);
    assert(ws_send(c, WS_BINARY, "x", 1, -1) == -1 && errno == ECONNRESET);
    free(m);
    hclose(c);
    hclose(s);
}

/* EBUSY: two receivers, two senders.  Last in the program: upstream crashes
   (a jump to address 0) in the next wait with a deadline after a coroutine
   sent a message of megabytes that had to wait. */
static int busy_done;
coroutine void blocked_receiver(int ws) {
    char buf[16];
    int fl;
    assert(ws_recv(ws, &fl, buf, sizeof(buf), now() + 5000) == 5);
    assert(memcmp(buf, "first", 5) == 0);
    busy_done = 1;
}

coroutine void blocked_sender(int ws, char *m, size_t len) {
    assert(ws_send(ws, WS_BINARY, m, len, -1) == 0);
}

static void busy(void) {
    int c, s;
    ws_pair(0, &c, &s);
    char buf[16];
    int fl;
    int h = go(blocked_receiver(s));
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == -1 && errno == EBUSY);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == EBUSY);
    assert(ws_send(c, WS_TEXT, "first", 5, -1) == 0);
    assert(bundle_wait(h, now() + 5000) == 0 && busy_done);
    hclose(h);
    /* A sender blocked in a message too big for the pipe. */
    size_t big = 2 << 20;
    char *m = calloc(1, big);
    assert(m);
    h = go(blocked_sender(c, m, big));
    assert(ws_send(c, WS_TEXT, "x", 1, -1) == -1 && errno == EBUSY);
    assert(msend(c, "x", 1, -1) == -1 && errno == EBUSY);
    char *r = malloc(big);
    assert(ws_recv(s, &fl, r, big, -1) == (ssize_t)big);
    assert(bundle_wait(h, -1) == 0);
    hclose(h);
    free(m);
    free(r);
    hclose(c);
    hclose(s);
}

int main(void) {
    handles();
    cancellation();
    deadlines();
    busy();
    return 0;
}
