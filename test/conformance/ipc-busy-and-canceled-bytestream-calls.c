/* bsend/brecv: EBUSY while another coroutine uses the same direction,
   ECANCELED for a blocked call whose coroutine is canceled, ETIMEDOUT and
   then ECONNRESET for a direction that timed out. */
#include <assert.h>
#include <stdlib.h>
#include "libdill.h"

static int rc1, err1;

coroutine static void receiver(int s) {
    char b;
    rc1 = brecv(s, &b, 1, -1);
    err1 = errno;
}

int main(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    char b;
    int h = go(receiver(p[1]));
    assert(brecv(p[1], &b, 1, 0) == -1 && errno == EBUSY);
    assert(hclose(h) == 0);
    assert(rc1 == -1 && err1 == ECANCELED);
    /* A timed-out receive leaves the receiving direction unusable. */
    assert(brecv(p[1], &b, 1, now() + 20) == -1 && errno == ECONNRESET);
    hclose(p[0]);
    hclose(p[1]);

    assert(ipc_pair(p) == 0);
    assert(brecv(p[1], &b, 1, now() + 20) == -1 && errno == ETIMEDOUT);
    assert(brecv(p[1], &b, 1, -1) == -1 && errno == ECONNRESET);
    /* Sending still works in the other direction. */
    assert(bsend(p[1], "k", 1, -1) == 0);
    assert(brecv(p[0], &b, 1, now() + 1000) == 0 && b == 'k');
    hclose(p[0]);
    hclose(p[1]);
    return 0;
}
