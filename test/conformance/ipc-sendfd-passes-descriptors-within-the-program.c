/* ipc_sendfd/ipc_recvfd pass descriptors between sockets of one program;
   the received descriptor refers to the same pipe end.  (A descriptor that
   is not open: ipc-sendfd-of-a-descriptor-that-is-not-open-gives-ebadf.c.) */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libdill.h"

int main(void) {
    char dir[] = "/tmp/dill-sendfd-XXXXXX";
    assert(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof(path), "%s/s.sock", dir);
    int ls = ipc_listen(path, 10);
    assert(ls >= 0);
    int c = ipc_connect(path, now() + 1000);
    assert(c >= 0);
    int s = ipc_accept(ls, now() + 1000);
    assert(s >= 0);
    int fds[2];
    assert(pipe(fds) == 0);
    assert(ipc_sendfd(c, fds[1], -1) == 0);
    int got = ipc_recvfd(s, now() + 1000);
    assert(got >= 0 && got != fds[1]);
    assert(close(fds[1]) == 0);
    char buf[8];
    assert(write(got, "via", 3) == 3);
    assert(read(fds[0], buf, sizeof(buf)) == 3 && memcmp(buf, "via", 3) == 0);
    assert(close(got) == 0);
    assert(read(fds[0], buf, sizeof(buf)) == 0);
    assert(ipc_recvfd(s, 0) == -1 && errno == ETIMEDOUT);
    assert(ipc_sendfd(ls, 0, -1) == -1 && errno == ENOTSUP);
    assert(ipc_recvfd(-1, -1) == -1 && errno == EBADF);
    /* Also over an ipc_pair. */
    int p[2];
    assert(ipc_pair(p) == 0);
    assert(ipc_sendfd(p[0], fds[0], -1) == 0);
    int r = ipc_recvfd(p[1], now() + 1000);
    assert(r >= 0);
    assert(close(r) == 0);
    assert(ipc_done(p[0], -1) == 0);
    assert(ipc_recvfd(p[1], now() + 1000) == -1 && errno == EPIPE);
    hclose(p[0]); hclose(p[1]);
    hclose(s); hclose(c); hclose(ls);
    close(fds[0]);
    unlink(path);
    rmdir(dir);
    return 0;
}
