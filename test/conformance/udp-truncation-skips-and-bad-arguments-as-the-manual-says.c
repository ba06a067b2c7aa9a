/* UDP as the manual says: a datagram too big for the receive buffer is
   EMSGSIZE from udp_recv and mrecv (and is gone); a NULL base in a
   udp_recvl list skips bytes; mrecvl with both ends NULL drops a message
   and returns its size; udp_open on an address that is not this machine's
   is EADDRNOTAVAIL.  (A NULL buffer with a length is EFAULT for udp_send
   and msend, as upstream: udp-datagrams-boundaries-and-errors.c.)

   Upstream differs on each (this program fails natively): it truncates the
   datagram silently and returns the truncated size, passes NULL receive
   bases to the kernel (EFAULT), returns 0 for a dropped message, and
   returns a socket although its bind failed.  Ours follows the manual. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

int main(void) {
    struct ipaddr la, lb;
    assert(ipaddr_local(&la, "127.0.0.1", 0, 0) == 0 && ipaddr_local(&lb, "127.0.0.1", 0, 0) == 0);
    int a = udp_open(&la, NULL);
    assert(a >= 0);
    int b = udp_open(&lb, &la);
    assert(b >= 0);
    char buf[16];

    assert(udp_send(a, &lb, "0123456789", 10) == 0);
    assert(udp_send(a, &lb, "next", 4) == 0);
    assert(udp_recv(b, NULL, buf, 5, now() + 2000) == -1 && errno == EMSGSIZE);
    assert(udp_recv(b, NULL, buf, sizeof(buf), now() + 2000) == 4 && memcmp(buf, "next", 4) == 0);
    assert(msend(b, "toolong", 7, -1) == 0);
    assert(mrecv(a, buf, 3, now() + 2000) == -1 && errno == EMSGSIZE);
    assert(mrecv(a, buf, 3, now() + 50) == -1 && errno == ETIMEDOUT);

    struct iolist i3 = {"!", 1, NULL, 0}, i2 = {"lo", 2, &i3, 0}, i1 = {"hel", 3, &i2, 0};
    assert(udp_sendl(a, &lb, &i1, &i3) == 0);
    char x[2], y[3];
    struct iolist r3 = {y, 3, NULL, 0}, r2 = {NULL, 1, &r3, 0}, r1 = {x, 2, &r2, 0};
    assert(udp_recvl(b, NULL, &r1, &r3, now() + 2000) == 6);
    assert(memcmp(x, "he", 2) == 0 && memcmp(y, "lo!", 3) == 0);

    assert(msendl(b, &i1, &i3, -1) == 0);
    assert(mrecvl(a, NULL, NULL, now() + 2000) == 6);

    struct ipaddr far;
    assert(ipaddr_local(&far, "192.0.2.1", 0, 0) == 0);   /* TEST-NET-1 */
    assert(udp_open(&far, NULL) == -1 && errno == EADDRNOTAVAIL);
    struct udp_storage umem;
    assert(udp_open_mem(&far, NULL, &umem) == -1 && errno == EADDRNOTAVAIL);
    assert(hclose(a) == 0 && hclose(b) == 0);
    return 0;
}
