/* The _mem variants place the objects in caller storage; *_fromfd wrap
   existing descriptors (a listening socket, a socketpair end). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "libdill.h"

int main(void) {
    char dir[] = "/tmp/dill-mem-XXXXXX";
    assert(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof(path), "%s/s.sock", dir);
    struct ipc_listener_storage lmem;
    struct ipc_storage cmem, smem;
    int ls = ipc_listen_mem(path, 10, &lmem);
    assert(ls >= 0);
    int c = ipc_connect_mem(path, &cmem, now() + 1000);
    assert(c >= 0);
    int s = ipc_accept_mem(ls, &smem, now() + 1000);
    assert(s >= 0);
    char buf[4];
    assert(bsend(c, "mem!", 4, -1) == 0);
    assert(brecv(s, buf, 4, now() + 1000) == 0 && memcmp(buf, "mem!", 4) == 0);
    assert(hclose(c) == 0 && hclose(s) == 0 && hclose(ls) == 0);

    struct ipc_pair_storage pmem;
    int p[2];
    assert(ipc_pair_mem(&pmem, p) == 0);
    assert(bsend(p[1], "pair", 4, -1) == 0);
    assert(brecv(p[0], buf, 4, now() + 1000) == 0 && memcmp(buf, "pair", 4) == 0);
    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);

    /* Wrap descriptors made with the POSIX calls. */
    int fds[2];
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    int a = ipc_fromfd(fds[0]);
    struct ipc_storage bmem;
    int b = ipc_fromfd_mem(fds[1], &bmem);
    assert(a >= 0 && b >= 0);
    assert(bsend(a, "wrap", 4, -1) == 0);
    assert(brecv(b, buf, 4, now() + 1000) == 0 && memcmp(buf, "wrap", 4) == 0);
    assert(ipc_done(a, -1) == 0);
    assert(brecv(b, buf, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(a) == 0 && hclose(b) == 0);

    assert(unlink(path) == 0);
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un un;
    memset(&un, 0, sizeof(un));
    un.sun_family = AF_UNIX;
    strcpy(un.sun_path, path);
    assert(bind(lfd, (struct sockaddr*)&un, sizeof(un)) == 0);
    assert(listen(lfd, 10) == 0);
    struct ipc_listener_storage l2;
    ls = ipc_listener_fromfd_mem(lfd, &l2);
    assert(ls >= 0);
    c = ipc_connect(path, now() + 1000);
    s = ipc_accept(ls, now() + 1000);
    assert(c >= 0 && s >= 0);
    assert(hclose(c) == 0 && hclose(s) == 0 && hclose(ls) == 0);
    assert(ipc_fromfd(-1) == -1 && errno == EINVAL);
    assert(ipc_fromfd(12345) == -1 && errno == EBADF);
    assert(ipc_listener_fromfd(12345) == -1 && errno == EBADF);
    unlink(path);
    rmdir(dir);
    return 0;
}
