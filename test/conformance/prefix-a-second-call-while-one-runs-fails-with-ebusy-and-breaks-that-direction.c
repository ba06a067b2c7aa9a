/* A second mrecv while one is running on the same PREFIX socket fails with
   EBUSY, and receiving is broken from then on (ECONNRESET), as upstream's
   (the first receive still gets its message); the same for msend.  And
   prefix_detach then fails with ECONNRESET, closing the socket. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "libdill.h"

static int rc1;
coroutine static void receiver(int s) {
    char b[16];
    rc1 = (int)mrecv(s, b, sizeof(b), -1);
}
coroutine static void big_sender(int s, size_t n) {
    void *b = calloc(1, n);
    rc1 = msend(s, b, n, -1);
    free(b);
}

int main(void) {
    int p[2];
    char buf[16], x;
    assert(ipc_pair(p) == 0);
    int s = prefix_attach(p[0], 4, PREFIX_BIG_ENDIAN);
    assert(s >= 0);
    int cr = go(receiver(s));
    assert(mrecv(s, buf, sizeof(buf), 0) == -1 && errno == EBUSY);
    assert(bsend(p[1], "\x00\x00\x00\x01" "z", 5, -1) == 0);
    assert(bundle_wait(cr, now() + 1000) == 0 && rc1 == 1 && hclose(cr) == 0);
    assert(mrecv(s, buf, sizeof(buf), 0) == -1 && errno == ECONNRESET);
    assert(msend(s, "ok", 2, -1) == 0);   /* the other direction is fine */
    cr = go(big_sender(s, 1 << 20));   /* blocks: the peer does not read */
    assert(msend(s, "x", 1, 0) == -1 && errno == EBUSY);
    static char drain[6 + (1 << 20) + 4];
    assert(brecv(p[1], drain, sizeof(drain), now() + 5000) == 0);
    assert(bundle_wait(cr, now() + 1000) == 0 && rc1 == 0 && hclose(cr) == 0);
    assert(memcmp(drain, "\x00\x00\x00\x02" "ok" "\x00\x10\x00\x00", 10) == 0);
    assert(msend(s, "x", 1, 0) == -1 && errno == ECONNRESET);
    assert(prefix_detach(s) == -1 && errno == ECONNRESET);
    assert(brecv(p[1], &x, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);
    return 0;
}
