/* Errors of every WebSocket function that do not need a misbehaving peer:
   EBADF (no such handle), ENOTSUP (a handle of another kind), EPROTO
   (attaching to something that is not a bytestream), EINVAL (flags,
   NULL arguments, malformed lists), ENOMEM (attach under memory
   exhaustion), ECANCELED (in a canceled coroutine), ETIMEDOUT, EBUSY (two
   receivers, two senders).  An attach that fails this way leaves the
   socket as it was, usable by the caller.  (EMFILE and ENFILE, in the
   attach functions' list, cannot happen: a WebSocket takes no descriptor.) */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ws-helpers.h"
#include "oom-helpers.h"

static void usable(int a, int b) {
    char x[2];
    assert(bsend(a, "ok", 2, -1) == 0);
    assert(brecv(b, x, 2, -1) == 0 && memcmp(x, "ok", 2) == 0);
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
        assert(ws_attach_server(h, WS_NOHTTP, NULL, 0, NULL, 0, -1) == -1 && errno == EBADF);
        assert(ws_attach_server_mem(h, WS_NOHTTP, NULL, 0, NULL, 0, &mem, -1) == -1 && errno == EBADF);
        assert(ws_attach_client(h, 0, "/", "h", -1) == -1 && errno == EBADF);
        assert(ws_attach_server(h, 0, buf, sizeof(buf), host, sizeof(host), -1) == -1 && errno == EBADF);
        assert(ws_send(h, WS_TEXT, "x", 1, -1) == -1 && errno == EBADF);
        assert(ws_recv(h, &fl, buf, sizeof(buf), -1) == -1 && errno == EBADF);
        assert(ws_sendl(h, WS_TEXT, &iol, &iol, -1) == -1 && errno == EBADF);
        assert(ws_recvl(h, &fl, &iol, &iol, -1) == -1 && errno == EBADF);
        assert(ws_done(h, 1000, NULL, 0, -1) == -1 && errno == EBADF);
        assert(ws_detach(h, 1000, NULL, 0, -1) == -1 && errno == EBADF);
        assert(ws_status(h, &st, buf, sizeof(buf)) == -1 && errno == EBADF);
    }
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
    /* A WebSocket is not a bytestream, and not a socket to attach to. */
    int c, s;
    ws_pair(0, &c, &s);
    assert(bsend(c, "x", 1, -1) == -1 && errno == ENOTSUP);
    assert(ws_attach_client(c, WS_NOHTTP, NULL, NULL, -1) == -1 && errno == EPROTO);
    assert(ws_attach_server(s, WS_NOHTTP, NULL, 0, NULL, 0, -1) == -1 && errno == EPROTO);
    /* EPROTO: a channel, a UDP socket. */
    int ch[2];
    assert(chmake(ch) == 0);
    assert(ws_attach_client(ch[0], WS_NOHTTP, NULL, NULL, -1) == -1 && errno == EPROTO);
    assert(ws_attach_server(ch[0], 0, buf, sizeof(buf), host, sizeof(host), -1) == -1 && errno == EPROTO);
    struct ipaddr a;
    assert(ipaddr_local(&a, "127.0.0.1", 0, 0) == 0);
    int u = udp_open(&a, NULL);
    assert(u >= 0);
    assert(ws_attach_client(u, WS_NOHTTP, NULL, NULL, -1) == -1 && errno == EPROTO);
    hclose(u);
    hclose(ch[0]);
    hclose(ch[1]);

    /* EINVAL for the attach functions; the socket stays usable. */
    assert(ws_attach_client(p[0], 4, NULL, NULL, -1) == -1 && errno == EINVAL);
    assert(ws_attach_client(p[0], WS_NOHTTP | 8, NULL, NULL, -1) == -1 && errno == EINVAL);
    assert(ws_attach_client(p[0], -1, NULL, NULL, -1) == -1 && errno == EINVAL);
    assert(ws_attach_client(p[0], 0, NULL, "host", -1) == -1 && errno == EINVAL);
    assert(ws_attach_client(p[0], WS_TEXT, "/", NULL, -1) == -1 && errno == EINVAL);
    assert(ws_attach_client_mem(p[0], WS_NOHTTP, NULL, NULL, NULL, -1) == -1 && errno == EINVAL);
    assert(ws_attach_server(p[0], 16, NULL, 0, NULL, 0, -1) == -1 && errno == EINVAL);
    assert(ws_attach_server(p[0], 0, NULL, 10, host, sizeof(host), -1) == -1 && errno == EINVAL);
    assert(ws_attach_server(p[0], 0, buf, sizeof(buf), NULL, 10, -1) == -1 && errno == EINVAL);
    assert(ws_attach_server(p[0], 0, buf, 0, host, sizeof(host), -1) == -1 && errno == EINVAL);
    assert(ws_attach_server(p[0], 0, buf, sizeof(buf), host, 0, -1) == -1 && errno == EINVAL);
    assert(ws_attach_server_mem(p[0], WS_NOHTTP, NULL, 0, NULL, 0, NULL, -1) == -1 && errno == EINVAL);
    usable(p[0], p[1]);
    usable(p[1], p[0]);

    /* EINVAL for the others. */
    assert(ws_send(c, 2, "x", 1, -1) == -1 && errno == EINVAL);
    assert(ws_send(c, WS_NOHTTP, "x", 1, -1) == -1 && errno == EINVAL);
    assert(ws_send(c, -1, "x", 1, -1) == -1 && errno == EINVAL);
    assert(ws_send(c, WS_TEXT, NULL, 1, -1) == -1 && errno == EFAULT);
    /* (ws_recv(c, &fl, NULL, n, ...) skips a message of at most n bytes.) */
    assert(ws_sendl(c, 5, &iol, &iol, -1) == -1 && errno == EINVAL);
    struct iolist i2 = {buf, 1, NULL, 0};
    struct iolist i1 = {buf, 1, &i2, 0};
    struct iolist other = {buf, 1, NULL, 0};
    struct iolist rsvd = {buf, 1, NULL, 1};
    struct iolist nullbase = {NULL, 3, NULL, 0};
    assert(ws_sendl(c, WS_TEXT, NULL, NULL, -1) == -1 && errno == EINVAL);
    assert(ws_sendl(c, WS_TEXT, &i1, &i1, -1) == -1 && errno == EINVAL);  /* last->next */
    assert(ws_sendl(c, WS_TEXT, &i1, &other, -1) == -1 && errno == EINVAL);
    assert(ws_sendl(c, WS_TEXT, &rsvd, &rsvd, -1) == -1 && errno == EINVAL);
    /* A NULL buffer to send: EFAULT (upstream crashes on it). */
    assert(ws_sendl(c, WS_TEXT, &nullbase, &nullbase, -1) == -1 && errno == EFAULT);
    assert(msendl(c, &nullbase, &nullbase, -1) == -1 && errno == EFAULT);
    assert(ws_recvl(c, &fl, NULL, NULL, -1) == -1 && errno == EINVAL);
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
    hclose(p[0]);
    hclose(p[1]);
}

/* ECANCELED: everything this coroutine does after being canceled. */
static int cancel_checks;
coroutine void canceled(int ws, int spare) {
    char buf[16];
    int fl, st;
    struct iolist iol = {buf, sizeof(buf), NULL, 0};
    assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == -1 && errno == ECANCELED);
    assert(ws_recv(ws, &fl, buf, sizeof(buf), -1) == -1 && errno == ECANCELED);
    assert(ws_recvl(ws, &fl, &iol, &iol, -1) == -1 && errno == ECANCELED);
    assert(ws_send(ws, WS_TEXT, "x", 1, -1) == -1 && errno == ECANCELED);
    assert(ws_sendl(ws, WS_TEXT, &iol, &iol, -1) == -1 && errno == ECANCELED);
    assert(msend(ws, "x", 1, -1) == -1 && errno == ECANCELED);
    assert(mrecv(ws, buf, sizeof(buf), -1) == -1 && errno == ECANCELED);
    assert(ws_done(ws, 1000, NULL, 0, -1) == -1 && errno == ECANCELED);
    /* Not a blocking call: works. */
    assert(ws_status(ws, &st, buf, sizeof(buf)) == -1 && errno == EAGAIN);
    assert(ws_attach_client(spare, WS_NOHTTP, NULL, NULL, -1) == -1 && errno == ECANCELED);
    assert(ws_attach_server(spare, 0, buf, sizeof(buf), buf, sizeof(buf), -1) == -1 && errno == ECANCELED);
    /* ws_detach fails and, as documented, closes the socket. */
    assert(ws_detach(ws, 1000, NULL, 0, -1) == -1 && errno == ECANCELED);
    assert(hclose(ws) == -1 && errno == EBADF);
    cancel_checks = 1;
}

static void cancellation(void) {
    int c, s, p[2];
    ws_pair(0, &c, &s);
    assert(ipc_pair(p) == 0);
    int h = go(canceled(c, p[0]));
    assert(h >= 0);
    assert(hclose(h) == 0);
    assert(cancel_checks == 1);
    /* The attach attempts left the spare socket alone. */
    usable(p[0], p[1]);
    hclose(p[0]);
    hclose(p[1]);
    hclose(s);
}

/* EBUSY and ETIMEDOUT. */
static int busy_done;
coroutine void blocked_receiver(int ws) {
    char buf[16];
    int fl;
    assert(ws_recv(ws, &fl, buf, sizeof(buf), now() + 5000) == 5);
    assert(memcmp(buf, "first", 5) == 0);
    busy_done = 1;
}

coroutine void blocked_sender(int ws, char *m, size_t len) {
    assert(ws_send(ws, WS_BINARY, m, len, now() + 5000) == 0);
}

static void busy_and_deadlines(void) {
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
    assert(ws_recv(s, &fl, r, big, now() + 5000) == (ssize_t)big);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    /* ETIMEDOUT receiving, at once with 0 and after the deadline; the
       socket cannot receive any more (it may be mid-frame). */
    assert(ws_recv(s, &fl, buf, sizeof(buf), 0) == -1 && errno == ETIMEDOUT);
    assert(ws_recv(s, &fl, buf, sizeof(buf), now() + 50) == -1 && errno == ECONNRESET);
    int64_t t = now();
    assert(ws_recv(c, &fl, buf, sizeof(buf), now() + 60) == -1 && errno == ETIMEDOUT);
    assert(now() - t >= 50);
    assert(ws_recv(c, &fl, buf, sizeof(buf), -1) == -1 && errno == ECONNRESET);
    /* ETIMEDOUT sending: a message that does not fit in the pipe. */
    t = now();
    assert(ws_send(c, WS_BINARY, m, big, now() + 60) == -1 && errno == ETIMEDOUT);
    assert(now() - t >= 50);
    assert(ws_send(c, WS_BINARY, "x", 1, -1) == -1 && errno == ECONNRESET);
    free(m);
    free(r);
    hclose(c);
    hclose(s);
}

/* ENOMEM: attaching fails and leaves the socket alone. */
static void out_of_memory(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    struct chunk *chunks = exhaust_memory();
    assert(ws_attach_client(p[0], WS_NOHTTP, NULL, NULL, -1) == -1 && errno == ENOMEM);
    assert(ws_attach_server(p[0], WS_NOHTTP, NULL, 0, NULL, 0, -1) == -1 && errno == ENOMEM);
    char buf[16], host[16];
    assert(ws_attach_client(p[0], 0, "/", "host", -1) == -1 && errno == ENOMEM);
    assert(ws_attach_server(p[0], 0, buf, sizeof(buf), host, sizeof(host), -1) == -1 && errno == ENOMEM);
    /* In the caller's memory there is nothing to allocate. */
    struct ws_storage mem;
    int c = ws_attach_client_mem(p[0], WS_NOHTTP, NULL, NULL, &mem, -1);
    assert(c >= 0);
    release_memory(chunks);
    int s = ws_attach_server(p[1], WS_NOHTTP, NULL, 0, NULL, 0, -1);
    assert(s >= 0);
    assert(ws_send(c, WS_TEXT, "fine", 4, -1) == 0);
    int fl;
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 4 && memcmp(buf, "fine", 4) == 0);
    hclose(c);
    hclose(s);
}

int main(void) {
    handles();
    cancellation();
    busy_and_deadlines();
    out_of_memory();
    return 0;
}
