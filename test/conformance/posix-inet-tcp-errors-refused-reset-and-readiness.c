/* TCP errors and readiness as natively, for AF_INET and AF_INET6:
   EADDRINUSE when a second socket binds and listens on a port in use
   (from bind or from listen), EADDRNOTAVAIL binding an address that is
   not this machine's, EAFNOSUPPORT for an address of the other family,
   ECONNREFUSED connecting to a closed port (blocking: from connect;
   non-blocking: EINPROGRESS, then fdout/POLLOUT and SO_ERROR), EALREADY
   for a second connect in progress, ENOTCONN for names and I/O before
   connecting, poll() readiness (POLLIN when bytes arrive), fdin on a
   socket, and ECONNRESET when the peer closes with data it did not
   read; then EPIPE on writes. */
#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "inet-helpers.h"
#include <libdill.h>

/* A listening socket on loopback; its address in *a. */
static int listener(int family, addr_t *a, socklen_t *alen) {
    int l = bound_socket(family, SOCK_STREAM, a, alen);
    assert(listen(l, 8) == 0);
    return l;
}

/* A port nobody listens on (bound, then closed). */
static void closed_port(int family, addr_t *a, socklen_t *alen) {
    int t = bound_socket(family, SOCK_STREAM, a, alen);
    assert(close(t) == 0);
}

static void check(int family) {
    int other = family == AF_INET ? AF_INET6 : AF_INET;
    addr_t la;
    socklen_t lalen;
    int l = listener(family, &la, &lalen);

    /* EADDRINUSE: from bind, or (SO_REUSEADDR semantics) from listen */
    int d = socket(family, SOCK_STREAM, 0);
    int rc = bind(d, &la.sa, lalen);
    if(rc == 0) rc = listen(d, 8);
    assert(rc == -1 && errno == EADDRINUSE);
    close(d);

    /* not an address of this machine; the other family */
    d = socket(family, SOCK_STREAM, 0);
    addr_t bad;
    socklen_t badlen = loopback(&bad, family, 0);
    if(family == AF_INET) inet_pton(AF_INET, "192.0.2.1", &bad.in.sin_addr);
    else inet_pton(AF_INET6, "2001:db8::1", &bad.in6.sin6_addr);
    assert(bind(d, &bad.sa, badlen) == -1 && errno == EADDRNOTAVAIL);
    addr_t wrong;
    socklen_t wronglen = loopback(&wrong, other, 0);
    if(family == AF_INET6) wronglen = sizeof(struct sockaddr_in6);
    assert(bind(d, &wrong.sa, wronglen) == -1 && errno == EAFNOSUPPORT);
    assert(connect(d, &wrong.sa, wronglen) == -1 && errno == EAFNOSUPPORT);
    /* not connected yet */
    addr_t x;
    socklen_t xlen = sizeof(x);
    assert(getpeername(d, &x.sa, &xlen) == -1 && errno == ENOTCONN);
    char c1;
    assert(recv(d, &c1, 1, 0) == -1 && errno == ENOTCONN);
    close(d);

    /* ECONNREFUSED, blocking */
    addr_t cp;
    socklen_t cplen;
    closed_port(family, &cp, &cplen);
    d = socket(family, SOCK_STREAM, 0);
    assert(connect(d, &cp.sa, cplen) == -1 && errno == ECONNREFUSED);
    close(d);

    /* ECONNREFUSED, non-blocking: EINPROGRESS, EALREADY, then SO_ERROR */
    d = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert(connect(d, &cp.sa, cplen) == -1 && errno == EINPROGRESS);
    rc = connect(d, &cp.sa, cplen);
    assert(rc == -1 && (errno == EALREADY || errno == ECONNREFUSED));
    if(errno == EALREADY) {
        assert(fdout(d, now() + 5000) == 0);
        int err = -1;
        socklen_t elen = sizeof(err);
        assert(getsockopt(d, SOL_SOCKET, SO_ERROR, &err, &elen) == 0);
        assert(err == ECONNREFUSED);
    }
    fdclean(d);
    close(d);

    /* non-blocking connect that succeeds: POLLOUT, SO_ERROR 0 */
    int c = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert(connect(c, &la.sa, lalen) == -1 && errno == EINPROGRESS);
    struct pollfd p = {c, POLLOUT, 0};
    assert(poll(&p, 1, 5000) == 1 && (p.revents & POLLOUT));
    int err = -1;
    socklen_t elen = sizeof(err);
    assert(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0);
    /* As Linux: the next connect reports the success, later ones EISCONN. */
    assert(connect(c, &la.sa, lalen) == 0);
    assert(connect(c, &la.sa, lalen) == -1 && errno == EISCONN);
    int s = accept(l, NULL, NULL);
    assert(s >= 0);

    /* readiness: nothing yet, then POLLIN; fdin on the other side */
    p.fd = s; p.events = POLLIN; p.revents = 0;
    assert(poll(&p, 1, 0) == 0);
    assert(write(c, "x", 1) == 1);
    assert(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN));
    char ch;
    assert(read(s, &ch, 1) == 1 && ch == 'x');
    assert(write(s, "y", 1) == 1);
    assert(fdin(c, now() + 5000) == 0);
    assert(read(c, &ch, 1) == 1 && ch == 'y');
    fdclean(c);

    close(s);
    close(c);

    /* reset: s closes with bytes it never read (nor waited for), c gets
       ECONNRESET, then EPIPE */
    c = socket(family, SOCK_STREAM, 0);
    assert(connect(c, &la.sa, lalen) == 0);
    s = accept(l, NULL, NULL);
    assert(s >= 0);
    assert(write(c, "unread", 6) == 6);
    msleep(now() + 50);
    assert(close(s) == 0);
    p.fd = c; p.events = POLLIN; p.revents = 0;
    assert(poll(&p, 1, 5000) == 1);
    rc = (int)read(c, &ch, 1);
    assert(rc == -1 && errno == ECONNRESET);
    rc = (int)send(c, "z", 1, MSG_NOSIGNAL);
    assert(rc == -1 && errno == EPIPE);
    close(c);
    close(l);
}

int main(void) {
    check(AF_INET);
    check(AF_INET6);
    return 0;
}
