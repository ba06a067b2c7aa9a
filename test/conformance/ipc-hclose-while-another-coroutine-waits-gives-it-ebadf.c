/* hclose of an IPC socket while another coroutine is blocked receiving or
   sending on it: the blocked call returns -1 with EBADF, and the program
   goes on (the socket's memory is freed only once nobody uses it).

   Upstream aborts here, a bug (this program fails natively): hclose of a
   socket that a coroutine waits on trips an assertion in its fd layer
   (fd.c: the descriptor is still being polled).  Ours wakes the blocked
   calls with EBADF, as fdclean does for fdin/fdout, instead of crashing. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

static int rc_recv = 1, err_recv, rc_send = 1, err_send;

coroutine static void receiver(int s) {
    char b[10];
    rc_recv = brecv(s, b, sizeof(b), -1);
    err_recv = errno;
}

coroutine static void sender(int s) {
    static char big[1 << 20];
    rc_send = bsend(s, big, sizeof(big), -1);   /* the peer never reads */
    err_send = errno;
}

int main(void) {
    for(int round = 0; round < 50; round++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        int b = bundle();
        assert(b >= 0);
        assert(bundle_go(b, receiver(p[0])) == 0);
        assert(bundle_go(b, sender(p[0])) == 0);
        assert(msleep(now() + 1) == 0);
        assert(hclose(p[0]) == 0);
        assert(bundle_wait(b, now() + 1000) == 0);
        assert(rc_recv == -1 && err_recv == EBADF);
        assert(rc_send == -1 && err_send == EBADF);
        assert(hclose(b) == 0);
        assert(hclose(p[1]) == 0);
        /* the handle is gone */
        assert(hclose(p[0]) == -1 && errno == EBADF);
    }
    return 0;
}
