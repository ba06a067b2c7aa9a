/* ipc_fromfd, tcp_fromfd and their listener variants check the descriptor
   they are given, as upstream does: a negative one is EINVAL, one not open
   EBADF, one that is not a socket (a pipe, a file) ENOTSOCK; a socket of
   another family or type, or one that listens (or not) where the other
   kind is wanted, EINVAL.  A refused descriptor stays the caller's (open).
   A stream socket of the right family that is not connected yet is taken. */
#include <assert.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>
#include "libdill.h"

/* fd was refused and is still open: close it. */
static void refused(int rc, int fd, int err) {
    assert(rc == -1 && errno == err);
    assert(close(fd) == 0);
}

int main(void) {
    assert(ipc_fromfd(-1) == -1 && errno == EINVAL);
    assert(ipc_listener_fromfd(-5) == -1 && errno == EINVAL);
    assert(tcp_fromfd(-1) == -1 && errno == EINVAL);
    assert(tcp_listener_fromfd(-1) == -1 && errno == EINVAL);
    assert(ipc_fromfd(9999) == -1 && errno == EBADF);
    assert(tcp_listener_fromfd(9999) == -1 && errno == EBADF);

    /* Not sockets. */
    int pp[2];
    assert(pipe(pp) == 0);
    refused(ipc_fromfd(pp[0]), pp[0], ENOTSOCK);
    refused(tcp_fromfd(pp[1]), pp[1], ENOTSOCK);
    char path[] = "/tmp/dill-fromfd-XXXXXX";
    int f = mkstemp(path);
    assert(f >= 0);
    assert(unlink(path) == 0);
    assert(ipc_listener_fromfd(f) == -1 && errno == ENOTSOCK);
    refused(tcp_listener_fromfd(f), f, ENOTSOCK);

    /* Other families and types. */
    int u = socket(AF_INET, SOCK_STREAM, 0);
    assert(u >= 0);
    refused(ipc_fromfd(u), u, EINVAL);
    u = socket(AF_INET, SOCK_DGRAM, 0);
    assert(u >= 0);
    refused(tcp_fromfd(u), u, EINVAL);
    int sp[2];
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
    assert(tcp_fromfd(sp[0]) == -1 && errno == EINVAL);
    /* Listening or not. */
    assert(ipc_listener_fromfd(sp[0]) == -1 && errno == EINVAL);
    int t = socket(AF_INET6, SOCK_STREAM, 0);
    assert(t >= 0);
    refused(tcp_listener_fromfd(t), t, EINVAL);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    t = socket(AF_INET, SOCK_STREAM, 0);
    assert(t >= 0);
    assert(bind(t, (struct sockaddr*)&sin, sizeof(sin)) == 0);
    assert(tcp_listener_fromfd(t) == -1 && errno == EINVAL);
    assert(listen(t, 1) == 0);
    int ls = tcp_listener_fromfd(t);
    assert(ls >= 0);
    assert(hclose(ls) == 0);

    /* Of the right kind: taken, connected or not yet. */
    int a = ipc_fromfd(sp[0]);
    assert(a >= 0);
    int b = ipc_fromfd(sp[1]);
    assert(b >= 0);
    assert(bsend(a, "ok", 2, -1) == 0);
    char buf[2];
    assert(brecv(b, buf, 2, now() + 1000) == 0 && memcmp(buf, "ok", 2) == 0);
    assert(hclose(a) == 0 && hclose(b) == 0);
    t = socket(AF_INET6, SOCK_STREAM, 0);
    assert(t >= 0);
    int c = tcp_fromfd(t);
    assert(c >= 0);
    assert(hclose(c) == 0);
    return 0;
}
