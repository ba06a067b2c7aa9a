/* msend/mrecv/msendl/mrecvl on UDP sockets: messages go to the remote
   address given to udp_open; msend without a remote address is EINVAL; the
   iolist checks of msendl/mrecvl.  (mrecvl with both ends NULL, a buffer
   too small, a NULL buffer:
   udp-truncation-skips-and-bad-arguments-as-the-manual-says.c.) */
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
    int a2 = udp_open(NULL, &lb);   /* sends to b; b drops it (not from la) */
    assert(a2 >= 0);

    assert(msend(b, "hello", 5, -1) == 0);
    char buf[16];
    assert(mrecv(a, buf, sizeof(buf), now() + 2000) == 5 && memcmp(buf, "hello", 5) == 0);
    assert(msend(a, "x", 1, -1) == -1 && errno == EINVAL);   /* no remote */
    assert(msend(a2, "stranger", 8, -1) == 0);
    assert(udp_send(a, &lb, "reply", 5) == 0);
    assert(mrecv(b, buf, sizeof(buf), now() + 2000) == 5 && memcmp(buf, "reply", 5) == 0);

    struct iolist i2 = {"def", 3, NULL, 0}, i1 = {"abc", 3, &i2, 0};
    assert(msendl(b, &i1, &i2, -1) == 0);
    assert(mrecv(a, buf, sizeof(buf), now() + 2000) == 6 && memcmp(buf, "abcdef", 6) == 0);
    assert(msendl(b, &i1, &i2, -1) == 0);
    char p[4], q[2];
    struct iolist r2 = {q, 2, NULL, 0}, r1 = {p, 4, &r2, 0};
    assert(mrecvl(a, &r1, &r2, now() + 2000) == 6);
    assert(memcmp(p, "abcd", 4) == 0 && memcmp(q, "ef", 2) == 0);
    assert(mrecv(a, buf, 3, now() + 50) == -1 && errno == ETIMEDOUT);

    /* Malformed lists. */
    assert(msendl(b, &i1, &i1, -1) == -1 && errno == EINVAL);   /* last->next set */
    assert(mrecvl(a, &r1, NULL, -1) == -1 && errno == EINVAL);
    i2.iol_rsvd = 1;
    assert(msendl(b, &i1, &i2, -1) == -1 && errno == EINVAL);
    assert(msend(b, NULL, 3, -1) == -1 && errno == EFAULT);
    assert(msend(12345, "x", 1, -1) == -1 && errno == EBADF);
    assert(hclose(a) == 0 && hclose(b) == 0 && hclose(a2) == 0);
    return 0;
}
