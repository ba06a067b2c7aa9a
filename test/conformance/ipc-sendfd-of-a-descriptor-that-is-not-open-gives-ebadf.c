/* ipc_sendfd of a descriptor that is not open fails with EBADF (what the
   kernel's sendmsg says), and the socket stays usable: the next descriptor
   and bytes go through.

   Upstream aborts on an assertion here, a bug (this program fails
   natively): its ipc_sendfd takes any sendmsg error but the few it expects
   for impossible.  Ours reports it. */
#include <assert.h>
#include <string.h>
#include <unistd.h>
#include "libdill.h"

int main(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    assert(ipc_sendfd(p[0], 999, -1) == -1 && errno == EBADF);
    int fds[2];
    assert(pipe(fds) == 0);
    assert(ipc_sendfd(p[0], fds[1], -1) == 0);
    int got = ipc_recvfd(p[1], now() + 1000);
    assert(got >= 0);
    assert(write(got, "ok", 2) == 2);
    char buf[2];
    assert(read(fds[0], buf, 2) == 2 && memcmp(buf, "ok", 2) == 0);
    assert(close(got) == 0 && close(fds[0]) == 0 && close(fds[1]) == 0);
    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
    return 0;
}
