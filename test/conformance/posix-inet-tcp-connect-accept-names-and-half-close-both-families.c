/* TCP over AF_INET (127.0.0.1) and AF_INET6 (::1) with the POSIX calls:
   bind to port 0 gives an ephemeral port that getsockname reports, listen,
   a blocking connect from a bound client socket (it connects from that
   address and port), accept4 fills in the peer's address (also with a
   short buffer: truncated, full length stored), getpeername on both ends,
   bytes both ways, shutdown(SHUT_WR) gives the peer EOF after the data,
   non-blocking accept4 gives EAGAIN with nothing pending, and SO_TYPE. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "inet-helpers.h"

static void check(int family) {
    socklen_t full = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
    int l = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert(l >= 0);
    addr_t a;
    socklen_t alen = loopback(&a, family, 0);
    assert(bind(l, &a.sa, alen) == 0);
    /* bound twice */
    assert(bind(l, &a.sa, alen) == -1 && errno == EINVAL);
    addr_t la;
    socklen_t lalen = sizeof(la);
    assert(getsockname(l, &la.sa, &lalen) == 0);
    assert(lalen == full && la.sa.sa_family == family && port_of(&la) != 0);
    assert(listen(l, 16) == 0);

    int type = 0;
    socklen_t tlen = sizeof(type);
    assert(getsockopt(l, SOL_SOCKET, SO_TYPE, &type, &tlen) == 0 && type == SOCK_STREAM);

    /* nothing pending: EAGAIN on a non-blocking listener */
    assert(fcntl(l, F_SETFL, O_NONBLOCK) == 0);
    assert(accept4(l, NULL, NULL, 0) == -1 && errno == EAGAIN);
    assert(fcntl(l, F_SETFL, 0) == 0);

    /* a bound client connects from its own address and port */
    int c = socket(family, SOCK_STREAM, IPPROTO_TCP);
    assert(c >= 0);
    addr_t ca;
    socklen_t calen = loopback(&ca, family, 0);
    assert(bind(c, &ca.sa, calen) == 0);
    addr_t cname;
    socklen_t cnlen = sizeof(cname);
    assert(getsockname(c, &cname.sa, &cnlen) == 0 && port_of(&cname) != 0);
    assert(connect(c, &la.sa, lalen) == 0);
    assert(connect(c, &la.sa, lalen) == -1 && errno == EISCONN);

    addr_t peer;
    socklen_t plen = sizeof(peer);
    int s = accept4(l, &peer.sa, &plen, SOCK_NONBLOCK);
    assert(s >= 0);
    assert(plen == full && same_addr(&peer, &cname));

    addr_t x;
    socklen_t xlen = sizeof(x);
    assert(getpeername(c, &x.sa, &xlen) == 0 && xlen == full && same_addr(&x, &la));
    xlen = sizeof(x);
    assert(getpeername(s, &x.sa, &xlen) == 0 && same_addr(&x, &cname));
    xlen = sizeof(x);
    assert(getsockname(s, &x.sa, &xlen) == 0 && same_addr(&x, &la));
    /* a short buffer: truncated, the full length stored */
    memset(&x, 0x55, sizeof(x));
    xlen = 4;
    assert(getsockname(c, &x.sa, &xlen) == 0 && xlen == full);
    assert(x.sa.sa_family == family && ((unsigned char *)&x)[4] == 0x55);

    /* bytes both ways; the accepted socket is non-blocking */
    char buf[64];
    assert(read(s, buf, sizeof(buf)) == -1 && errno == EAGAIN);
    assert(write(c, "ping", 4) == 4);
    int n = 0;
    while(n < 4) {
        ssize_t k = recv(s, buf + n, sizeof(buf) - n, 0);
        if(k < 0) {assert(errno == EAGAIN); usleep(1000); continue;}
        n += (int)k;
    }
    assert(memcmp(buf, "ping", 4) == 0);
    assert(send(s, "pong!", 5, MSG_NOSIGNAL) == 5);
    n = 0;
    while(n < 5) {
        ssize_t k = read(c, buf + n, sizeof(buf) - n);
        assert(k > 0);
        n += (int)k;
    }
    assert(memcmp(buf, "pong!", 5) == 0);

    /* half-close: the peer reads the data, then EOF; the other way works */
    assert(write(c, "last", 4) == 4);
    assert(shutdown(c, SHUT_WR) == 0);
    assert(fcntl(s, F_SETFL, 0) == 0);
    n = 0;
    for(;;) {
        ssize_t k = read(s, buf + n, sizeof(buf) - n);
        assert(k >= 0);
        if(k == 0) break;
        n += (int)k;
    }
    assert(n == 4 && memcmp(buf, "last", 4) == 0);
    assert(write(s, "bye", 3) == 3);
    assert(close(s) == 0);
    n = 0;
    for(;;) {
        ssize_t k = read(c, buf + n, sizeof(buf) - n);
        assert(k >= 0);
        if(k == 0) break;
        n += (int)k;
    }
    assert(n == 3 && memcmp(buf, "bye", 3) == 0);
    assert(close(c) == 0);
    assert(close(l) == 0);
}

int main(void) {
    check(AF_INET);
    check(AF_INET6);
    return 0;
}
