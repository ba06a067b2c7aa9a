/* HTTP over ipc_pair against a raw peer (bsend/brecv on the other end):
   each line goes out when its call is made (one write of the socket below
   per line), with the exact bytes of request, status and field lines (field
   values without their leading and trailing spaces) and of http_done's
   blank line, sent once; the parsing of a response with odd whitespace; an
   interim 100 response; the body after http_detach intact; then client and
   server both HTTP, and one coroutine doing send-then-receive; and the
   errno of the http_* functions that can be provoked here.  Arguments ours
   refuses but upstream sends as they are (empty names, CR/LF inside):
   http-sending-refuses-malformed-lines-with-einval.c; ENOMEM:
   http-attach-without-memory-fails-with-enomem-and-closes-the-socket.c. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libdillimpl.h"

static void expect_raw(int s, const char *bytes) {
    char b[512];
    size_t n = strlen(bytes);
    assert(n <= sizeof(b));
    assert(brecv(s, b, n, now() + 1000) == 0);
    assert(memcmp(b, bytes, n) == 0);
}

static void send_raw(int s, const char *bytes) {
    assert(bsend(s, bytes, strlen(bytes), -1) == 0);
}

/* A pass-through bytestream that counts writes. */
struct counting {
    struct hvfs hvfs;
    struct bsock_vfs bvfs;
    int u;
    int sends;
};
static void *counting_query(struct hvfs *vfs, const void *type) {
    struct counting *self = (struct counting*)vfs;
    if(type == bsock_type) return &self->bvfs;
    errno = ENOTSUP;
    return NULL;
}
static void counting_close(struct hvfs *vfs) {
    hclose(((struct counting*)vfs)->u);
}
static int counting_bsendl(struct bsock_vfs *vfs, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    struct counting *self = (struct counting*)((char*)vfs - offsetof(struct counting, bvfs));
    self->sends++;
    return bsendl(self->u, first, last, deadline);
}
static int counting_brecvl(struct bsock_vfs *vfs, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    struct counting *self = (struct counting*)((char*)vfs - offsetof(struct counting, bvfs));
    return brecvl(self->u, first, last, deadline);
}

static int rc1, err1;
coroutine static void field_receiver(int s) {
    char n[32], v[32];
    rc1 = http_recvfield(s, n, sizeof(n), v, sizeof(v), -1);
    err1 = errno;
}

coroutine static void server(int s) {
    char cmd[16], res[64], n[64], v[64];
    assert(http_recvrequest(s, cmd, sizeof(cmd), res, sizeof(res), -1) == 0);
    assert(strcmp(cmd, "POST") == 0 && strcmp(res, "/submit?x=1") == 0);
    assert(http_recvfield(s, n, sizeof(n), v, sizeof(v), -1) == 0);
    assert(strcmp(n, "Content-Length") == 0 && strcmp(v, "5") == 0);
    assert(http_recvfield(s, n, sizeof(n), v, sizeof(v), -1) == -1 && errno == EPIPE);
    assert(http_sendstatus(s, 201, "Created", -1) == 0);
    assert(http_sendfield(s, "Location", "/things/1", -1) == 0);
    int u = http_detach(s, -1);   /* sends the blank line */
    assert(u >= 0);
    char body[5];
    assert(brecv(u, body, 5, -1) == 0 && memcmp(body, "hello", 5) == 0);
    assert(bsend(u, "done", 4, -1) == 0);
    assert(ipc_done(u, -1) == 0);
    assert(hclose(u) == 0);
}

int main(void) {
    int p[2];
    char reason[64], name[64], value[64], cmd[16], res[64];

    /* The client's bytes, line by line as they are sent. */
    assert(ipc_pair(p) == 0);
    int s = http_attach(p[0]);
    assert(s >= 0);
    assert(bsend(p[0], "x", 1, -1) == -1 && errno == EBADF);   /* taken over */
    assert(http_sendrequest(s, "GET", "/index.html", -1) == 0);
    expect_raw(p[1], "GET /index.html HTTP/1.1\r\n");
    assert(http_sendfield(s, "Host", "www.example.org", -1) == 0);
    expect_raw(p[1], "Host: www.example.org\r\n");
    assert(http_sendfield(s, "X-Padded", "  a  b  ", -1) == 0);
    expect_raw(p[1], "X-Padded: a  b\r\n");
    assert(http_sendfield(s, "X-Tab", "a\tb", -1) == 0);
    assert(http_sendfield(s, "X-Tabs", "\t\t", -1) == 0);   /* only spaces go */
    assert(http_sendfield(s, "X-Empty", "", -1) == -1 && errno == EPROTO);
    assert(http_done(s, -1) == 0);
    expect_raw(p[1], "X-Tab: a\tb\r\nX-Tabs: \t\t\r\n\r\n");
    /* The blank line goes once; what is sent after it still goes. */
    assert(http_done(s, -1) == -1 && errno == EPIPE);
    assert(http_sendfield(s, "Late", "x", -1) == 0);
    expect_raw(p[1], "Late: x\r\n");

    /* A response: an interim 100 first, then the final one with fields in
       odd shapes, then the body. */
    send_raw(p[1], "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.0 404 Not found\r\nContent-Type:text/plain\r\n"
        "X-Spaced:    a  value\r\nX-Colon: a:b: c\r\nX-Empty:\r\n"
        "Content-Length: 4\r\n\r\nbody");
    assert(http_recvstatus(s, reason, sizeof(reason), -1) == 100);
    assert(strcmp(reason, "Continue") == 0);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == -1 && errno == EPIPE);
    assert(http_recvstatus(s, reason, sizeof(reason), -1) == 404);
    assert(strcmp(reason, "Not found") == 0);
    const char *fields[][2] = {{"Content-Type", "text/plain"}, {"X-Spaced", "a  value"},
        {"X-Colon", "a:b: c"}, {"X-Empty", ""}, {"Content-Length", "4"}};
    for(int i = 0; i < 5; i++) {
        assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == 0);
        assert(strcmp(name, fields[i][0]) == 0 && strcmp(value, fields[i][1]) == 0);
    }
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == -1 && errno == EPIPE);
    int u = http_detach(s, -1);
    assert(u >= 0);
    char b[8];
    assert(brecv(u, b, 4, now() + 1000) == 0 && memcmp(b, "body", 4) == 0);
    assert(bsend(u, "raw", 3, -1) == 0);
    expect_raw(p[1], "raw");

    /* The server's bytes (http_attach_mem); a status without a reason. */
    struct http_storage mem;
    s = http_attach_mem(u, &mem);
    assert(s >= 0);
    send_raw(p[1], "DELETE /a/b%20c HTTP/1.0\r\nA: 1\r\n\r\n");
    assert(http_recvrequest(s, cmd, sizeof(cmd), res, sizeof(res), -1) == 0);
    assert(strcmp(cmd, "DELETE") == 0 && strcmp(res, "/a/b%20c") == 0);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == 0);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == -1 && errno == EPIPE);
    assert(http_sendstatus(s, 599, "", -1) == 0);
    expect_raw(p[1], "HTTP/1.1 599 \r\n");
    assert(http_sendfield(s, "Server", "libdill-wasm", -1) == 0);
    expect_raw(p[1], "Server: libdill-wasm\r\n");
    send_raw(p[1], "HTTP/1.1 204 No Content\r\n\r\n");
    assert(http_recvstatus(s, reason, sizeof(reason), -1) == 204);
    assert(strcmp(reason, "No Content") == 0);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == -1 && errno == EPIPE);
    /* http_detach ends our head (the blank line) and, a blank line from the
       peer having come, returns at once. */
    u = http_detach(s, -1);
    assert(u >= 0);
    expect_raw(p[1], "\r\n");

    /* http_detach drops the rest of the peer's head, none of its blank line
       having come. */
    s = http_attach(u);
    assert(s >= 0);
    assert(http_done(s, -1) == 0);
    send_raw(p[1], "HTTP/1.1 200 OK\r\nA: b\r\nC: d\r\n\r\nafter");
    assert(http_recvstatus(s, reason, sizeof(reason), -1) == 200);
    u = http_detach(s, -1);
    assert(u >= 0);
    assert(brecv(u, b, 5, now() + 1000) == 0 && memcmp(b, "after", 5) == 0);
    expect_raw(p[1], "\r\n");

    /* Argument errors: EINVAL, nothing sent. */
    s = http_attach(u);
    assert(s >= 0);
    assert(http_sendrequest(s, "G T", "/", -1) == -1 && errno == EINVAL);
    assert(http_sendrequest(s, "GE\tT", "/", -1) == -1 && errno == EINVAL);
    assert(http_sendrequest(s, "GET\r\n", "/", -1) == -1 && errno == EINVAL);
    assert(http_sendrequest(s, "GET", "/a b", -1) == -1 && errno == EINVAL);
    assert(http_sendrequest(s, "GET", "/\t", -1) == -1 && errno == EINVAL);
    assert(http_sendstatus(s, 99, "x", -1) == -1 && errno == EINVAL);
    assert(http_sendstatus(s, 600, "x", -1) == -1 && errno == EINVAL);
    assert(http_sendstatus(s, -200, "x", -1) == -1 && errno == EINVAL);
    assert(http_sendfield(s, "Bad:Name", "v", -1) == -1 && errno == EINVAL);
    assert(http_sendfield(s, "Bad Name", "v", -1) == -1 && errno == EINVAL);
    assert(http_sendfield(s, "N(", "v", -1) == -1 && errno == EINVAL);
    assert(http_sendfield(s, "N\t", "v", -1) == -1 && errno == EINVAL);
    /* EMSGSIZE: the line is consumed and the connection goes on. */
    send_raw(p[1], "GET /0123456789 HTTP/1.1\r\nLongName: v\r\nN: LongValue\r\n"
        "HTTP/1.1 200 LongReason\r\nGET / HTTP/1.1\r\n");
    assert(http_recvrequest(s, cmd, sizeof(cmd), res, 11, -1) == -1 && errno == EMSGSIZE);
    assert(http_recvfield(s, name, 8, value, sizeof(value), -1) == -1 && errno == EMSGSIZE);
    assert(http_recvfield(s, name, sizeof(name), value, 9, -1) == -1 && errno == EMSGSIZE);
    assert(http_recvstatus(s, reason, 10, -1) == -1 && errno == EMSGSIZE);
    assert(http_recvrequest(s, cmd, 3, res, sizeof(res), -1) == -1 && errno == EMSGSIZE);
    send_raw(p[1], "GET / HTTP/1.1\r\n");
    assert(http_recvrequest(s, cmd, 4, res, 2, -1) == 0);   /* just fits */
    assert(strcmp(cmd, "GET") == 0 && strcmp(res, "/") == 0);

    /* EBADF, ENOTSUP (an IPC socket is not HTTP). */
    assert(http_sendrequest(-1, "GET", "/", -1) == -1 && errno == EBADF);
    assert(http_recvrequest(-1, cmd, 1, res, 1, -1) == -1 && errno == EBADF);
    assert(http_sendstatus(-1, 200, "OK", -1) == -1 && errno == EBADF);
    assert(http_recvstatus(-1, reason, 1, -1) == -1 && errno == EBADF);
    assert(http_sendfield(-1, "a", "b", -1) == -1 && errno == EBADF);
    assert(http_recvfield(-1, name, 1, value, 1, -1) == -1 && errno == EBADF);
    assert(http_done(-1, -1) == -1 && errno == EBADF);
    assert(http_detach(-1, -1) == -1 && errno == EBADF);
    assert(http_sendrequest(p[1], "GET", "/", -1) == -1 && errno == ENOTSUP);
    assert(http_recvrequest(p[1], cmd, 1, res, 1, -1) == -1 && errno == ENOTSUP);
    assert(http_sendstatus(p[1], 200, "OK", -1) == -1 && errno == ENOTSUP);
    assert(http_recvstatus(p[1], reason, 1, -1) == -1 && errno == ENOTSUP);
    assert(http_sendfield(p[1], "a", "b", -1) == -1 && errno == ENOTSUP);
    assert(http_recvfield(p[1], name, 1, value, 1, -1) == -1 && errno == ENOTSUP);
    assert(http_done(p[1], -1) == -1 && errno == ENOTSUP);
    assert(http_detach(p[1], -1) == -1 && errno == ENOTSUP);
    assert(msend(s, "x", 1, -1) == -1 && errno == ENOTSUP);   /* not a message socket */
    assert(bsend(s, "x", 1, -1) == -1 && errno == ENOTSUP);

    /* EBUSY while another coroutine receives (upstream's socket is broken
       after it); ETIMEDOUT then ECONNRESET. */
    int h = go(field_receiver(s));
    assert(http_recvfield(s, name, 1, value, 1, 0) == -1 && errno == EBUSY);
    send_raw(p[1], "K: v\r\n");
    assert(bundle_wait(h, now() + 1000) == 0 && rc1 == 0);
    assert(hclose(h) == 0);
    assert(hclose(s) == 0 && hclose(p[1]) == 0);
    assert(ipc_pair(p) == 0);
    s = http_attach(p[0]);
    assert(s >= 0);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), now() + 20) == -1 && errno == ETIMEDOUT);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == -1 && errno == ECONNRESET);
    /* Sending is still fine, but the socket cannot be handed back:
       http_detach fails and closes it. */
    assert(http_sendstatus(s, 200, "OK", -1) == 0);
    expect_raw(p[1], "HTTP/1.1 200 OK\r\n");
    assert(http_detach(s, -1) == -1 && errno == ECONNRESET);
    expect_raw(p[1], "\r\n");   /* our blank line went first */
    assert(brecv(p[1], b, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);

    /* ECANCELED: a receiving coroutine is canceled; http_detach in it too. */
    assert(ipc_pair(p) == 0);
    s = http_attach(p[0]);
    assert(s >= 0);
    h = go(field_receiver(s));
    assert(hclose(h) == 0);
    assert(rc1 == -1 && err1 == ECANCELED);
    assert(hclose(s) == 0);
    assert(hclose(p[1]) == 0);
    /* (Closing or detaching under a running receive:
       http-closing-or-detaching-under-a-running-receive.c.) */

    /* The peer closes in the middle of a head: EPIPE (as upstream's: from
       the stream below), then ECONNRESET; http_detach timing out waiting
       for the peer's blank line. */
    assert(ipc_pair(p) == 0);
    s = http_attach(p[0]);
    assert(s >= 0);
    send_raw(p[1], "HTTP/1.1 200 OK\r\nA: b\r\n");
    assert(ipc_done(p[1], -1) == 0);
    assert(http_recvstatus(s, reason, sizeof(reason), -1) == 200);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == 0);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == -1 && errno == EPIPE);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == -1 && errno == ECONNRESET);
    assert(hclose(s) == 0);
    assert(hclose(p[1]) == 0);
    assert(ipc_pair(p) == 0);
    s = http_attach(p[0]);
    assert(s >= 0);
    assert(http_detach(s, now() + 30) == -1 && errno == ETIMEDOUT);
    expect_raw(p[1], "\r\n");
    assert(brecv(p[1], b, 1, now() + 1000) == -1 && errno == EPIPE);   /* closed */
    assert(hclose(p[1]) == 0);

    /* A failed write (the peer is gone) shows at the call that writes;
       sending is then ECONNRESET. */
    assert(ipc_pair(p) == 0);
    s = http_attach(p[0]);
    assert(s >= 0);
    assert(hclose(p[1]) == 0);
    assert(http_sendrequest(s, "GET", "/", -1) == -1 && errno == ECONNRESET);
    assert(http_sendfield(s, "A", "b", -1) == -1 && errno == ECONNRESET);
    assert(http_done(s, -1) == -1 && errno == ECONNRESET);
    assert(http_sendstatus(s, 200, "OK", -1) == -1 && errno == ECONNRESET);
    assert(http_detach(s, -1) == -1 && errno == ECONNRESET);

    /* Errors of http_attach: as upstream's, a handle that is not a
       bytestream is ENOTSUP, and a failed attach closes the socket. */
    assert(http_attach(-1) == -1 && errno == EBADF);
    int ch[2];
    assert(chmake(ch) == 0);
    assert(http_attach(ch[0]) == -1 && errno == ENOTSUP);
    assert(hclose(ch[0]) == -1 && errno == EBADF);
    assert(http_attach_mem(ch[1], &mem) == -1 && errno == ENOTSUP);
    assert(hclose(ch[1]) == -1 && errno == EBADF);
    assert(ipc_pair(p) == 0);
    int m = suffix_attach(p[0], "\n", 1);
    assert(http_attach(m) == -1 && errno == ENOTSUP);   /* a message socket */
    assert(msend(m, "gone", 4, -1) == -1 && errno == EBADF);
    assert(brecv(p[1], b, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);
    /* EMFILE/ENFILE: no descriptor is opened. */

    /* Client and server both HTTP, the body after the heads. */
    assert(ipc_pair(p) == 0);
    int c = http_attach(p[0]);
    int sv = http_attach(p[1]);
    assert(c >= 0 && sv >= 0);
    h = go(server(sv));
    assert(http_sendrequest(c, "POST", "/submit?x=1", -1) == 0);
    assert(http_sendfield(c, "Content-Length", "5", -1) == 0);
    assert(http_done(c, -1) == 0);
    assert(http_recvstatus(c, reason, sizeof(reason), -1) == 201);
    assert(strcmp(reason, "Created") == 0);
    assert(http_recvfield(c, name, sizeof(name), value, sizeof(value), -1) == 0);
    assert(strcmp(name, "Location") == 0 && strcmp(value, "/things/1") == 0);
    assert(http_recvfield(c, name, sizeof(name), value, sizeof(value), -1) == -1 && errno == EPIPE);
    u = http_detach(c, -1);
    assert(u >= 0);
    assert(bsend(u, "hello", 5, -1) == 0);
    assert(brecv(u, b, 4, -1) == 0 && memcmp(b, "done", 4) == 0);
    assert(brecv(u, b, 1, -1) == -1 && errno == EPIPE);
    assert(bundle_wait(h, -1) == 0 && hclose(h) == 0);
    assert(hclose(u) == 0);

    /* One write of the socket below per line, when it is sent: one
       coroutine can send a request and then wait for the answer. */
    assert(ipc_pair(p) == 0);
    static struct counting cnt;
    cnt.hvfs.query = counting_query;
    cnt.hvfs.close = counting_close;
    cnt.bvfs.bsendl = counting_bsendl;
    cnt.bvfs.brecvl = counting_brecvl;
    cnt.u = p[0];
    s = http_attach(hmake(&cnt.hvfs));
    assert(s >= 0);
    sv = http_attach(p[1]);
    assert(sv >= 0);
    assert(http_sendrequest(s, "GET", "/", -1) == 0);
    assert(cnt.sends == 1);
    assert(http_recvrequest(sv, cmd, sizeof(cmd), res, sizeof(res), now() + 1000) == 0);
    for(int i = 0; i < 20; i++) assert(http_sendfield(s, "Field", "value", -1) == 0);
    assert(cnt.sends == 21);
    static char big[5000];
    memset(big, 'v', 1000);   /* upstream cuts lines at 1024 bytes */
    assert(http_sendfield(s, "Big", big, -1) == 0);
    assert(cnt.sends == 22);
    assert(http_done(s, -1) == 0);
    assert(cnt.sends == 23);
    for(int i = 0; i < 20; i++) {
        assert(http_recvfield(sv, name, sizeof(name), value, sizeof(value), now() + 1000) == 0);
        assert(strcmp(name, "Field") == 0 && strcmp(value, "value") == 0);
    }
    static char bigvalue[5000];
    assert(http_recvfield(sv, name, sizeof(name), bigvalue, sizeof(bigvalue), now() + 1000) == 0);
    assert(strcmp(bigvalue, big) == 0);
    assert(http_recvfield(sv, name, sizeof(name), value, sizeof(value), now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(s) == 0 && hclose(sv) == 0);
    return 0;
}
