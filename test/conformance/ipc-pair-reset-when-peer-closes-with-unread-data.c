/* A peer that closes with unread data resets the connection: our brecv and
   our bsend give ECONNRESET.  A clean close gives EPIPE to brecv. */
#include <assert.h>
#include "libdill.h"

int main(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    char buf[8];
    assert(bsend(p[0], "unread", 6, -1) == 0);
    assert(hclose(p[1]) == 0);
    assert(brecv(p[0], buf, 1, now() + 1000) == -1 && errno == ECONNRESET);
    assert(hclose(p[0]) == 0);

    assert(ipc_pair(p) == 0);
    assert(bsend(p[0], "unread", 6, -1) == 0);
    assert(hclose(p[1]) == 0);
    assert(bsend(p[0], "more", 4, now() + 1000) == -1 && errno == ECONNRESET);
    assert(hclose(p[0]) == 0);

    assert(ipc_pair(p) == 0);
    assert(bsend(p[0], "all", 3, -1) == 0);
    assert(brecv(p[1], buf, 3, -1) == 0);
    assert(hclose(p[0]) == 0);
    assert(brecv(p[1], buf, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);
    return 0;
}
