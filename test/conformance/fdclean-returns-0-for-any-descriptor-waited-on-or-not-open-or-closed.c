/* fdclean returns 0 (its return type is int, as in upstream's header; the
   manual's void is older) for a descriptor waited on and one never waited
   on, twice in a row, and after the descriptor is closed: upstream's never
   fails. (Upstream indexes its table with the descriptor unchecked: -1
   happens to give 0, lower ones and those at or above RLIMIT_NOFILE crash.
   Ours returns 0 for all of them; they are left out here.) */
#include <assert.h>
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include "libdill.h"

int main(void) {
    int fds[2];
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    /* never waited on */
    errno = 0;
    assert(fdclean(fds[1]) == 0);
    assert(errno == 0);
    /* waited on */
    assert(fdout(fds[0], -1) == 0);
    assert(fdclean(fds[0]) == 0);
    /* again, and the descriptor can still be waited on after it */
    assert(fdclean(fds[0]) == 0);
    assert(write(fds[1], "x", 1) == 1);
    assert(fdin(fds[0], now() + 1000) == 0);
    assert(fdclean(fds[0]) == 0);
    assert(close(fds[0]) == 0);
    assert(close(fds[1]) == 0);
    /* closed */
    errno = 0;
    assert(fdclean(fds[0]) == 0);
    assert(fdclean(fds[1]) == 0);
    assert(errno == 0);
    return 0;
}
