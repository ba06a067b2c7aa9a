/* A connected UDP socket (AF_INET and AF_INET6): send/write without an
   address go to the peer, getpeername reports it, datagrams from other
   sources are filtered out by the kernel while the peer's arrive (read()
   works too), connecting to a closed port reports ECONNREFUSED on a later
   call, connect(AF_UNSPEC) dissolves the association (getpeername gives
   ENOTCONN, send without an address EDESTADDRREQ), and a blocking recv
   waits for a datagram that has not arrived yet. */
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

static int bound(int family, addr_t *a, socklen_t *alen) {
    return bound_socket(family, SOCK_DGRAM | SOCK_NONBLOCK, a, alen);
}

static void check(int family) {
    addr_t pa, ca, oa;
    socklen_t palen, calen, oalen;
    int peer = bound(family, &pa, &palen);
    int c = bound(family, &ca, &calen);
    int other = bound(family, &oa, &oalen);

    assert(connect(c, &pa.sa, palen) == 0);
    addr_t x;
    socklen_t xlen = sizeof(x);
    assert(getpeername(c, &x.sa, &xlen) == 0 && port_of(&x) == port_of(&pa));

    /* default destination */
    assert(send(c, "hi", 2, 0) == 2);
    assert(write(c, "there", 5) == 5);
    char buf[64];
    addr_t from;
    socklen_t fromlen = sizeof(from);
    assert(fdin(peer, now() + 5000) == 0);
    assert(recvfrom(peer, buf, sizeof(buf), 0, &from.sa, &fromlen) == 2);
    assert(memcmp(buf, "hi", 2) == 0 && port_of(&from) == port_of(&ca));
    assert(fdin(peer, now() + 5000) == 0);
    assert(recv(peer, buf, sizeof(buf), 0) == 5 && memcmp(buf, "there", 5) == 0);
    fdclean(peer);

    /* only the peer's datagrams arrive */
    assert(sendto(other, "stranger", 8, 0, &ca.sa, calen) == 8);
    assert(sendto(peer, "friend", 6, 0, &ca.sa, calen) == 6);
    assert(fdin(c, now() + 5000) == 0);
    assert(read(c, buf, sizeof(buf)) == 6 && memcmp(buf, "friend", 6) == 0);
    msleep(now() + 30);
    assert(recv(c, buf, sizeof(buf), 0) == -1 && errno == EAGAIN);
    fdclean(c);

    /* dissolve: then datagrams from anyone arrive */
    addr_t unspec;
    memset(&unspec, 0, sizeof(unspec));
    unspec.sa.sa_family = AF_UNSPEC;
    assert(connect(c, &unspec.sa, sizeof(unspec)) == 0);
    xlen = sizeof(x);
    assert(getpeername(c, &x.sa, &xlen) == -1 && errno == ENOTCONN);
    assert(send(c, "x", 1, 0) == -1 && errno == EDESTADDRREQ);
    /* (Linux also drops the port of a socket bound to port 0 here.) */

    /* a closed port: ECONNREFUSED on a later call */
    addr_t gone;
    socklen_t gonelen;
    int g = bound(family, &gone, &gonelen);
    close(g);
    int u = socket(family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    assert(connect(u, &gone.sa, gonelen) == 0);
    assert(send(u, "void", 4, 0) == 4);
    struct pollfd p = {u, POLLIN, 0};
    assert(poll(&p, 1, 5000) == 1);
    int rc = (int)recv(u, buf, sizeof(buf), 0);
    assert(rc == -1 && errno == ECONNREFUSED);
    close(u);

    /* a blocking receive waits for the datagram (it has not reached this
       program yet when recv is called) */
    int b = socket(family, SOCK_DGRAM, 0);
    addr_t ba;
    socklen_t balen = loopback(&ba, family, 0);
    assert(bind(b, &ba.sa, balen) == 0);
    balen = sizeof(ba);
    assert(getsockname(b, &ba.sa, &balen) == 0);
    assert(sendto(other, "late", 4, 0, &ba.sa, balen) == 4);
    assert(recv(b, buf, sizeof(buf), 0) == 4 && memcmp(buf, "late", 4) == 0);
    close(b);

    close(peer);
    close(c);
    close(other);
}

int main(void) {
    check(AF_INET);
    check(AF_INET6);
    return 0;
}
