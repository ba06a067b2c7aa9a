/* fdin/fdout: EBADF for a non-descriptor, EBUSY for a second waiter on the
   same direction, ETIMEDOUT, ECANCELED; a ready descriptor returns at once;
   fdclean forgets it. */
#include <assert.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "libdill.h"

static int waiter_rc, waiter_err;

coroutine static void waiter(int fd) {
    waiter_rc = fdin(fd, -1);
    waiter_err = errno;
}

int main(void) {
    int fds[2];
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    assert(fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0);
    assert(fdin(-1, 0) == -1 && errno == EBADF);
    assert(fdout(4321, 0) == -1 && errno == EBADF);
    /* Writable at once, not readable. */
    assert(fdout(fds[0], 0) == 0);
    assert(fdin(fds[0], 0) == -1 && errno == ETIMEDOUT);
    int64_t t0 = now();
    assert(fdin(fds[0], now() + 50) == -1 && errno == ETIMEDOUT);
    assert(now() - t0 >= 45);
    int h = go(waiter(fds[0]));
    assert(fdin(fds[0], 0) == -1 && errno == EBUSY);
    assert(fdin(fds[0], -1) == -1 && errno == EBUSY);
    /* fdout on the same descriptor is another direction: fine. */
    assert(fdout(fds[0], 0) == 0);
    assert(hclose(h) == 0);
    assert(waiter_rc == -1 && waiter_err == ECANCELED);
    /* Data arrives: the waiter returns 0. */
    h = go(waiter(fds[0]));
    assert(write(fds[1], "x", 1) == 1);
    assert(bundle_wait(h, now() + 1000) == 0);
    assert(waiter_rc == 0);
    assert(hclose(h) == 0);
    fdclean(fds[0]);
    assert(close(fds[0]) == 0);
    fdclean(fds[1]);
    assert(close(fds[1]) == 0);
    return 0;
}
