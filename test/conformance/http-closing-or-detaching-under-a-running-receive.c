/* An HTTP socket closed (hclose) while another coroutine is in
   http_recvfield on it: the receive wakes with EBADF.  http_detach while a
   receive runs fails with EBUSY and closes the socket (the manual: closed
   even in case of error); the receive wakes with EBADF.
   Upstream differs: closing or detaching a socket under a blocked call is
   undefined there (its fd layer asserts, or the call goes on in freed
   memory).  This program fails natively for that. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int rc1, err1;
coroutine static void field_receiver(int s) {
    char n[32], v[32];
    rc1 = http_recvfield(s, n, sizeof(n), v, sizeof(v), -1);
    err1 = errno;
}

int main(void) {
    int p[2];
    char b[1];
    assert(ipc_pair(p) == 0);
    int s = http_attach(p[0]);
    assert(s >= 0);
    int h = go(field_receiver(s));
    assert(hclose(s) == 0);
    assert(bundle_wait(h, now() + 1000) == 0 && rc1 == -1 && err1 == EBADF);
    assert(hclose(h) == 0);
    assert(brecv(p[1], b, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);

    assert(ipc_pair(p) == 0);
    s = http_attach(p[0]);
    assert(s >= 0);
    h = go(field_receiver(s));
    assert(http_detach(s, -1) == -1 && errno == EBUSY);
    assert(bundle_wait(h, now() + 1000) == 0 && rc1 == -1 && err1 == EBADF);
    assert(hclose(h) == 0);
    assert(brecv(p[1], b, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);
    return 0;
}
