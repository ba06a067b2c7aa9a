/* UDP over AF_INET (127.0.0.1) and AF_INET6 (::1): bind to port 0 gives
   an ephemeral port (getsockname), sendto/recvfrom keep message
   boundaries and report the sender's address, an unbound sender gets an
   implicit ephemeral port, zero-length datagrams, a datagram larger than
   the buffer is truncated (rest discarded) with MSG_TRUNC in msg_flags
   from recvmsg and its real length returned when MSG_TRUNC is passed,
   sendmsg gathers its iovecs into one datagram, EMSGSIZE over 65507
   (IPv4) / 65527 (IPv6) bytes, EAGAIN with nothing queued on a
   non-blocking socket, POLLIN/fdin readiness, EDESTADDRREQ sending
   nowhere, EADDRINUSE binding a port in use, SO_TYPE. */
#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "inet-helpers.h"
#include <sys/uio.h>
#include <libdill.h>

static int bound(int family, addr_t *a, socklen_t *alen) {
    return bound_socket(family, SOCK_DGRAM, a, alen);
}

static void check(int family) {
    socklen_t full = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
    addr_t ra;
    socklen_t ralen;
    int r = bound(family, &ra, &ralen);
    assert(ralen == full);
    int type = 0;
    socklen_t tlen = sizeof(type);
    assert(getsockopt(r, SOL_SOCKET, SO_TYPE, &type, &tlen) == 0 && type == SOCK_DGRAM);

    /* a port in use */
    int d = socket(family, SOCK_DGRAM, IPPROTO_UDP);
    assert(bind(d, &ra.sa, ralen) == -1 && errno == EADDRINUSE);
    /* nowhere to send */
    assert(send(d, "x", 1, 0) == -1 && errno == EDESTADDRREQ);
    close(d);

    /* non-blocking, nothing queued */
    char buf[100];
    assert(recv(r, buf, sizeof(buf), MSG_DONTWAIT) == -1 && errno == EAGAIN);
    struct pollfd p = {r, POLLIN, 0};
    assert(poll(&p, 1, 0) == 0);

    /* an unbound sender: implicit ephemeral port, reported to the receiver */
    int s = socket(family, SOCK_DGRAM, 0);
    assert(s >= 0);
    assert(sendto(s, "one", 3, 0, &ra.sa, ralen) == 3);
    assert(sendto(s, "", 0, 0, &ra.sa, ralen) == 0);
    assert(sendto(s, "three", 5, MSG_NOSIGNAL, &ra.sa, ralen) == 5);
    addr_t sa;
    socklen_t salen = sizeof(sa);
    assert(getsockname(s, &sa.sa, &salen) == 0 && port_of(&sa) != 0);

    assert(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN));
    addr_t from;
    socklen_t fromlen = sizeof(from);
    assert(recvfrom(r, buf, sizeof(buf), 0, &from.sa, &fromlen) == 3);
    assert(memcmp(buf, "one", 3) == 0);
    assert(fromlen == full && from.sa.sa_family == family && port_of(&from) == port_of(&sa));
    /* blocking receives: message boundaries kept, empty datagram too */
    assert(recv(r, buf, sizeof(buf), 0) == 0);
    assert(recvfrom(r, buf, sizeof(buf), 0, NULL, NULL) == 5 && memcmp(buf, "three", 5) == 0);

    /* truncation: recvmsg reports MSG_TRUNC; the rest is discarded */
    assert(sendto(s, "0123456789", 10, 0, &ra.sa, ralen) == 10);
    assert(sendto(s, "abcdefghij", 10, 0, &ra.sa, ralen) == 10);
    assert(sendto(s, "next", 4, 0, &ra.sa, ralen) == 4);
    struct iovec iov[2] = {{buf, 2}, {buf + 2, 2}};
    struct msghdr m;
    memset(&m, 0, sizeof(m));
    m.msg_name = &from;
    m.msg_namelen = sizeof(from);
    m.msg_iov = iov;
    m.msg_iovlen = 2;
    assert(fdin(r, now() + 5000) == 0);
    assert(recvmsg(r, &m, 0) == 4);
    assert(memcmp(buf, "0123", 4) == 0 && (m.msg_flags & MSG_TRUNC));
    assert(m.msg_namelen == full && port_of(&from) == port_of(&sa));
    /* MSG_TRUNC: the real length */
    assert(recv(r, buf, 3, MSG_TRUNC) == 10 && memcmp(buf, "abc", 3) == 0);
    m.msg_flags = 0;
    assert(recvmsg(r, &m, 0) == 4 && memcmp(buf, "next", 4) == 0 && !(m.msg_flags & MSG_TRUNC));
    fdclean(r);

    /* sendmsg: one datagram of all the iovecs, to msg_name */
    struct iovec out[3] = {{"ab", 2}, {"", 0}, {"cde", 3}};
    memset(&m, 0, sizeof(m));
    m.msg_name = &ra;
    m.msg_namelen = ralen;
    m.msg_iov = out;
    m.msg_iovlen = 3;
    assert(sendmsg(s, &m, 0) == 5);
    assert(recv(r, buf, sizeof(buf), 0) == 5 && memcmp(buf, "abcde", 5) == 0);

    /* the largest datagram goes through, one byte more is EMSGSIZE */
    size_t max = family == AF_INET ? 65507 : 65527;
    char *big = malloc(max + 1);
    memset(big, 'B', max + 1);
    assert(sendto(s, big, max + 1, 0, &ra.sa, ralen) == -1 && errno == EMSGSIZE);
    assert(sendto(s, big, max, 0, &ra.sa, ralen) == (ssize_t)max);
    memset(big, 0, max + 1);
    assert(recv(r, big, max + 1, 0) == (ssize_t)max && big[0] == 'B' && big[max - 1] == 'B');
    free(big);

    /* and the other way round, to the implicit port */
    assert(sendto(r, "back", 4, 0, &sa.sa, salen) == 4);
    fromlen = sizeof(from);
    assert(recvfrom(s, buf, sizeof(buf), 0, &from.sa, &fromlen) == 4);
    assert(memcmp(buf, "back", 4) == 0 && port_of(&from) == port_of(&ra));

    assert(close(s) == 0);
    assert(close(r) == 0);
}

int main(void) {
    check(AF_INET);
    check(AF_INET6);
    return 0;
}
