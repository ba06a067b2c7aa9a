/* UDP: udp_open with port 0 writes the chosen port back; datagrams keep
   their boundaries and carry the sender's address, IPv4 and IPv6;
   zero-length datagrams; udp_sendl/udp_recvl gather and scatter; EMSGSIZE
   for a datagram too large to send; a socket with a remote address sends
   there by default and drops datagrams from anybody else; a port in use can
   be opened again (SO_REUSEADDR, as upstream: the socket opened last gets
   the datagrams); ETIMEDOUT, ECANCELED, EBUSY, EBADF, ENOTSUP, EINVAL and
   EAFNOSUPPORT (an address of no IP family).  (Receive buffers too small,
   NULL bases, NULL buffers, addresses not of this machine:
   udp-truncation-skips-and-bad-arguments-as-the-manual-says.c.) */
#include <assert.h>
#include <string.h>
#include <sys/socket.h>
#include "libdill.h"

static ssize_t result = 0;
static int err = 0;

coroutine static void receiver(int s) {
    char b[16];
    result = udp_recv(s, NULL, b, sizeof(b), -1);
    err = errno;
}

static void run(const char *ip) {
    struct ipaddr la, lb;
    assert(ipaddr_local(&la, ip, 0, 0) == 0 && ipaddr_local(&lb, ip, 0, 0) == 0);
    int a = udp_open(&la, NULL);
    assert(a >= 0 && ipaddr_port(&la) > 0);
    int b = udp_open(&lb, NULL);
    assert(b >= 0 && ipaddr_port(&lb) > 0 && ipaddr_port(&lb) != ipaddr_port(&la));

    /* Boundaries and the sender's address. */
    assert(udp_send(a, &lb, "one", 3) == 0);
    assert(udp_send(a, &lb, "two!", 4) == 0);
    assert(udp_send(a, &lb, "", 0) == 0);
    char buf[100];
    struct ipaddr from;
    assert(udp_recv(b, &from, buf, sizeof(buf), now() + 2000) == 3 && memcmp(buf, "one", 3) == 0);
    assert(ipaddr_equal(&from, &la, 0));
    assert(udp_recv(b, NULL, buf, sizeof(buf), now() + 2000) == 4 && memcmp(buf, "two!", 4) == 0);
    assert(udp_recv(b, NULL, buf, sizeof(buf), now() + 2000) == 0);

    /* Gather and scatter. */
    struct iolist i3 = {"!", 1, NULL, 0}, i2 = {"lo", 2, &i3, 0}, i1 = {"hel", 3, &i2, 0};
    assert(udp_sendl(a, &lb, &i1, &i3) == 0);
    char x[2], y[1], z[3];
    struct iolist r3 = {z, 3, NULL, 0}, r2 = {y, 1, &r3, 0}, r1 = {x, 2, &r2, 0};
    assert(udp_recvl(b, &from, &r1, &r3, now() + 2000) == 6);
    assert(memcmp(x, "he", 2) == 0 && y[0] == 'l' && memcmp(z, "lo!", 3) == 0);
    assert(r1.iol_next == &r2 && r2.iol_next == &r3);   /* list unchanged */

    /* Too large to send. */
    static char huge[70000];
    assert(udp_send(a, &lb, huge, sizeof(huge)) == -1 && errno == EMSGSIZE);
    assert(udp_send(a, &lb, huge, 60000) == 0);
    assert(udp_recv(b, NULL, huge, sizeof(huge), now() + 2000) == 60000);

    /* Deadlines, cancellation, a second receiver. */
    assert(udp_recv(b, NULL, buf, sizeof(buf), now() + 50) == -1 && errno == ETIMEDOUT);
    assert(udp_recv(b, NULL, buf, sizeof(buf), 0) == -1 && errno == ETIMEDOUT);
    int h = go(receiver(b));
    assert(udp_recv(b, NULL, buf, sizeof(buf), 0) == -1 && errno == EBUSY);
    assert(hclose(h) == 0);
    assert(result == -1 && err == ECANCELED);

    /* A remote address: the default destination, and a filter. */
    struct ipaddr lc;
    assert(ipaddr_local(&lc, ip, 0, 0) == 0);
    int c = udp_open(&lc, &la);
    assert(c >= 0);
    assert(udp_send(c, NULL, "to a", 4) == 0);
    assert(udp_recv(a, &from, buf, sizeof(buf), now() + 2000) == 4 && ipaddr_equal(&from, &lc, 0));
    assert(udp_send(b, &lc, "from b", 6) == 0);   /* dropped by c */
    assert(udp_send(a, &lc, "from a", 6) == 0);
    assert(udp_recv(c, &from, buf, sizeof(buf), now() + 2000) == 6 && memcmp(buf, "from a", 6) == 0);
    assert(udp_send(a, NULL, "x", 1) == -1 && errno == EINVAL);   /* no remote */
    assert(hclose(a) == 0 && hclose(b) == 0 && hclose(c) == 0);
}

int main(void) {
    run("127.0.0.1");
    run("::1");

    struct ipaddr l4, l6, junk;
    assert(ipaddr_local(&l4, "127.0.0.1", 0, 0) == 0 && ipaddr_local(&l6, "::1", 0, 0) == 0);
    memset(&junk, 0, sizeof(junk));
    assert(udp_open(&l4, &l6) == -1 && errno == EINVAL);   /* families differ */
    assert(udp_open(&junk, NULL) == -1 && errno == EAFNOSUPPORT);
    int s = udp_open(&l4, NULL);
    assert(s >= 0);
    /* The port again: the socket opened last gets the datagrams. */
    struct udp_storage umem;
    struct ipaddr again = l4;
    int s2 = udp_open_mem(&again, NULL, &umem);
    assert(s2 >= 0 && ipaddr_port(&again) == ipaddr_port(&l4));
    char b[4];
    assert(udp_send(s, &l4, "re", 2) == 0);
    assert(udp_recv(s2, NULL, b, sizeof(b), now() + 2000) == 2 && memcmp(b, "re", 2) == 0);
    assert(hclose(s2) == 0);
    assert(udp_send(s, &junk, "x", 1) == -1 && errno == EINVAL);
    assert(udp_send(s, &l4, NULL, 1) == -1 && errno == EFAULT);
    struct iolist loop = {b, 1, NULL, 0};
    loop.iol_next = &loop;
    assert(udp_sendl(s, &l4, &loop, &loop) == -1 && errno == EINVAL);
    assert(udp_send(12345, &l4, "x", 1) == -1 && errno == EBADF);
    assert(udp_recv(12345, NULL, b, 4, -1) == -1 && errno == EBADF);
    assert(bsend(s, "x", 1, -1) == -1 && errno == ENOTSUP);
    int p[2];
    assert(ipc_pair(p) == 0);
    assert(udp_send(p[0], &l4, "x", 1) == -1 && errno == ENOTSUP);
    assert(udp_recv(p[0], NULL, b, 4, 0) == -1 && errno == ENOTSUP);
    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0 && hclose(s) == 0);
    /* No local address: an unbound socket that can still send. */
    int u = udp_open(NULL, &l4);
    assert(u >= 0 && hclose(u) == 0);
    return 0;
}
