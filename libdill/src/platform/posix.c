/*
 * POSIX calls whose Emscripten versions are C stubs returning ENOSYS
 * (socketpair, shutdown, pipe2, setsockopt): ours forward to the socket
 * layer of the shim (wasm/shim).  musl keeps each in its own object file,
 * so the linker takes these instead.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

/* From the shim's socket layer: 0 or -errno. */
extern int dill__js_socketpair(int domain, int type, int protocol, int *fds);
extern int dill__js_shutdown(int fd, int how);
extern int dill__js_pipe2(int *fds, int flags);
extern int dill__js_setsockopt(int fd, int level, int name, const void *val,
    socklen_t len);

static int dill__ret(int rc) {
    if(rc < 0) {errno = -rc; return -1;}
    return rc;
}

int socketpair(int domain, int type, int protocol, int fds[2]) {
    return dill__ret(dill__js_socketpair(domain, type, protocol, fds));
}

int shutdown(int fd, int how) {
    return dill__ret(dill__js_shutdown(fd, how));
}

int pipe2(int fds[2], int flags) {
    return dill__ret(dill__js_pipe2(fds, flags));
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len) {
    return dill__ret(dill__js_setsockopt(fd, level, name, val, len));
}
