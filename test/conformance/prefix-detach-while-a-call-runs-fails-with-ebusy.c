/* prefix_detach while another coroutine is in mrecv (or msend) on the same
   socket fails with EBUSY and closes the socket (the manual: closed even in
   case of error); the running call wakes with EBADF.
   Upstream differs (a bug): it hands the socket back at once while the
   call goes on inside the PREFIX object it has just freed.  This program
   fails natively for that. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int rc1, err1;
coroutine static void receiver(int s) {
    char b[16];
    rc1 = (int)mrecv(s, b, sizeof(b), -1);
    err1 = errno;
}

int main(void) {
    int p[2];
    char x;
    assert(ipc_pair(p) == 0);
    int s = prefix_attach(p[0], 2, PREFIX_BIG_ENDIAN);
    assert(s >= 0);
    int cr = go(receiver(s));
    assert(prefix_detach(s) == -1 && errno == EBUSY);
    assert(bundle_wait(cr, now() + 1000) == 0 && rc1 == -1 && err1 == EBADF);
    assert(hclose(cr) == 0);
    assert(msend(s, "x", 1, -1) == -1 && errno == EBADF);
    assert(brecv(p[1], &x, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);
    return 0;
}
