/* The peer shuts down its receiving side (shutdown(SHUT_RD)): as natively,
   our receive still waits for input (and meets its deadline: it used to
   spin, waking to find nothing), poll shows the socket writable only (no
   POLLERR), and a send fails: EPIPE for write, ECONNRESET for bsend. */
#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <sys/socket.h>
#include "libdill.h"

int main(void) {
    /* The raw write below would raise SIGPIPE natively (libdill's own sends
       do not). */
    signal(SIGPIPE, SIG_IGN);
    int sv[2];
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    assert(shutdown(sv[0], SHUT_RD) == 0);
    struct pollfd pfd = {.fd = sv[1], .events = POLLIN | POLLOUT};
    assert(poll(&pfd, 1, 0) == 1);
    assert(pfd.revents == POLLOUT);
    assert(write(sv[1], "x", 1) == -1 && errno == EPIPE);

    int b = ipc_fromfd(sv[1]);
    assert(b >= 0);
    char c;
    int64_t t0 = now();
    assert(brecv(b, &c, 1, now() + 100) == -1 && errno == ETIMEDOUT);
    assert(now() - t0 >= 90);

    /* The other direction still works. */
    int sp[2];
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
    assert(shutdown(sp[0], SHUT_RD) == 0);
    int d = ipc_fromfd(sp[1]);
    assert(d >= 0);
    assert(write(sp[0], "y", 1) == 1);
    assert(brecv(d, &c, 1, now() + 1000) == 0 && c == 'y');
    assert(bsend(d, "z", 1, now() + 1000) == -1 && errno == ECONNRESET);

    assert(hclose(b) == 0);
    assert(hclose(d) == 0);
    assert(close(sv[0]) == 0);
    assert(close(sp[0]) == 0);
    return 0;
}
