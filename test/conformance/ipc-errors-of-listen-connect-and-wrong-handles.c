/* EADDRINUSE (also after the listener closed: the file stays), ENOENT,
   ECONNREFUSED, ENAMETOOLONG, ENOTSUP, EBADF from the IPC calls (EINVAL for
   a NULL path: see
   ipc-and-tcp-calls-given-null-give-einval-instead-of-crashing.c). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "libdill.h"

int main(void) {
    char dir[] = "/tmp/dill-ipcerr-XXXXXX";
    assert(mkdtemp(dir));
    char path[128], missing[128], nodir[128];
    snprintf(path, sizeof(path), "%s/s.sock", dir);
    snprintf(missing, sizeof(missing), "%s/none.sock", dir);
    snprintf(nodir, sizeof(nodir), "%s/no/such/dir.sock", dir);
    int ls = ipc_listen(path, 10);
    assert(ls >= 0);
    assert(ipc_listen(path, 10) == -1 && errno == EADDRINUSE);
    assert(ipc_listen(nodir, 10) == -1 && errno == ENOENT);
    char longp[200];
    memset(longp, 'a', sizeof(longp) - 1);
    longp[sizeof(longp) - 1] = 0;
    assert(ipc_listen(longp, 10) == -1 && errno == ENAMETOOLONG);
    assert(ipc_connect(longp, -1) == -1 && errno == ENAMETOOLONG);
    assert(ipc_connect(missing, -1) == -1 && errno == ENOENT);
    char b;
    /* A listener is not a bytestream; a channel is not an IPC socket. */
    assert(bsend(ls, "x", 1, -1) == -1 && errno == ENOTSUP);
    assert(brecv(ls, &b, 1, -1) == -1 && errno == ENOTSUP);
    assert(ipc_done(ls, -1) == -1 && errno == ENOTSUP);
    int ch[2];
    assert(chmake(ch) == 0);
    assert(ipc_accept(ch[0], -1) == -1 && errno == ENOTSUP);
    assert(ipc_done(ch[0], -1) == -1 && errno == ENOTSUP);
    assert(ipc_close(ch[0], -1) == -1 && errno == ENOTSUP);
    assert(bsend(ch[0], "x", 1, -1) == -1 && errno == ENOTSUP);
    assert(ipc_accept(12345, -1) == -1 && errno == EBADF);
    assert(ipc_done(-1, -1) == -1 && errno == EBADF);
    assert(ipc_close(-1, -1) == -1 && errno == EBADF);
    assert(bsend(-1, "x", 1, -1) == -1 && errno == EBADF);
    assert(brecv(-1, &b, 1, -1) == -1 && errno == EBADF);
    /* Nobody connects: accept times out. */
    assert(ipc_accept(ls, 0) == -1 && errno == ETIMEDOUT);
    int64_t t0 = now();
    assert(ipc_accept(ls, now() + 50) == -1 && errno == ETIMEDOUT);
    assert(now() - t0 >= 45);
    /* Closing the listener leaves the socket file, as natively. */
    assert(ipc_close(ls, -1) == 0);
    struct stat st;
    assert(stat(path, &st) == 0 && S_ISSOCK(st.st_mode));
    assert(ipc_connect(path, -1) == -1 && errno == ECONNREFUSED);
    assert(ipc_listen(path, 10) == -1 && errno == EADDRINUSE);
    assert(unlink(path) == 0);
    ls = ipc_listen(path, 10);
    assert(ls >= 0);
    assert(hclose(ls) == 0);
    unlink(path);
    rmdir(dir);
    hclose(ch[0]);
    hclose(ch[1]);
    return 0;
}
