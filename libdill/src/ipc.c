/*
 * IPC: bytestream sockets over AF_UNIX.  Sending, receiving, half-close and
 * the termination handshake are those of every stream socket (fdsock.c);
 * here are the unix addresses, descriptor passing and socket pairs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../include/libdillimpl.h"
#include "cr.h"
#include "fdsock.h"
#include "handle.h"
#include "utils.h"

static const int dill__ipc_type_placeholder = 0;
static const void *dill__ipc_type = &dill__ipc_type_placeholder;
static const int dill__ipc_listener_type_placeholder = 0;
static const void *dill__ipc_listener_type = &dill__ipc_listener_type_placeholder;

DILL__STATIC_ASSERT(2 * sizeof(struct dill__fdsock) <= sizeof(struct dill_ipc_pair_storage),
    "ipc_pair_storage too small");
DILL__STATIC_ASSERT(sizeof(struct dill__fdsock) <= sizeof(struct dill_ipc_storage),
    "ipc_storage too small");
DILL__STATIC_ASSERT(sizeof(struct dill__fdlistener) <=
    sizeof(struct dill_ipc_listener_storage), "ipc_listener_storage too small");

/******************************************************************************/
/*  Connections and listeners                                                 */
/******************************************************************************/

/* The socket address for `addr`, or -1 with errno. */
static int dill__ipc_addr(const char *addr, struct sockaddr_un *un) {
    if(dill__slow(!addr)) {errno = EINVAL; return -1;}
    size_t len = strlen(addr);
    if(dill__slow(len == 0)) {errno = ENOENT; return -1;}
    if(dill__slow(len >= sizeof(un->sun_path))) {errno = ENAMETOOLONG; return -1;}
    memset(un, 0, sizeof(*un));
    un->sun_family = AF_UNIX;
    memcpy(un->sun_path, addr, len);
    return 0;
}

int dill_ipc_fromfd_mem(int fd, struct dill_ipc_storage *mem) {
    if(dill__slow(dill__fd_adopt(fd, AF_UNIX, 0) < 0)) return -1;
    return dill__fdsock_make(fd, (struct dill__fdsock*)mem, dill__ipc_type);
}

int dill_ipc_fromfd(int fd) {
    return dill_ipc_fromfd_mem(fd, NULL);
}

int dill_ipc_connect_mem(const char *addr, struct dill_ipc_storage *mem,
      int64_t deadline) {
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    struct sockaddr_un un;
    if(dill__slow(dill__ipc_addr(addr, &un) < 0)) return -1;
    return dill__fdsock_connect(AF_UNIX, (struct sockaddr*)&un, sizeof(un),
        (struct dill__fdsock*)mem, dill__ipc_type, deadline);
}

int dill_ipc_connect(const char *addr, int64_t deadline) {
    return dill_ipc_connect_mem(addr, NULL, deadline);
}

int dill_ipc_done(int s, int64_t deadline) {
    return dill__fdsock_done(s, dill__ipc_type);
}

int dill_ipc_close(int s, int64_t deadline) {
    return dill__fdsock_close(s, dill__ipc_type, dill__ipc_listener_type,
        deadline);
}

int dill_ipc_listen_mem(const char *addr, int backlog,
      struct dill_ipc_listener_storage *mem) {
    struct sockaddr_un un;
    if(dill__slow(dill__ipc_addr(addr, &un) < 0)) return -1;
    return dill__fdlistener_listen(AF_UNIX, (struct sockaddr*)&un, sizeof(un),
        backlog, NULL, (struct dill__fdlistener*)mem, dill__ipc_listener_type);
}

int dill_ipc_listen(const char *addr, int backlog) {
    return dill_ipc_listen_mem(addr, backlog, NULL);
}

int dill_ipc_listener_fromfd_mem(int fd, struct dill_ipc_listener_storage *mem) {
    if(dill__slow(dill__fd_adopt(fd, AF_UNIX, 1) < 0)) return -1;
    return dill__fdlistener_make(fd, (struct dill__fdlistener*)mem,
        dill__ipc_listener_type);
}

int dill_ipc_listener_fromfd(int fd) {
    return dill_ipc_listener_fromfd_mem(fd, NULL);
}

int dill_ipc_accept_mem(int s, struct dill_ipc_storage *mem, int64_t deadline) {
    return dill__fdlistener_accept(s, dill__ipc_listener_type, dill__ipc_type,
        (struct dill__fdsock*)mem, NULL, NULL, deadline);
}

int dill_ipc_accept(int s, int64_t deadline) {
    return dill_ipc_accept_mem(s, NULL, deadline);
}

/******************************************************************************/
/*  Passing descriptors                                                       */
/******************************************************************************/

/* One byte carrying the descriptor in an SCM_RIGHTS message. */
int dill_ipc_sendfd(int s, int fd, int64_t deadline) {
    struct dill__fdsock *self = dill__hquery(s, dill__ipc_type);
    if(dill__slow(!self)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    if(dill__slow(fd < 0)) {errno = EBADF; return -1;}
    if(dill__slow(dill__fdsock_out_ready(self) < 0)) return -1;
    char byte = 0;
    struct iovec iov = {&byte, 1};
    union {struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))];} ctl;
    memset(&ctl, 0, sizeof(ctl));
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl.b;
    msg.msg_controllen = sizeof(ctl.b);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    self->sbusy = 1;
    int rc;
    for(;;) {
        ssize_t n = sendmsg(self->fd, &msg, MSG_NOSIGNAL);
        if(n == 1) {rc = 0; break;}
        rc = -1;
        /* Errors of the descriptor passed, not of the connection. */
        if(errno == EOPNOTSUPP) {errno = ENOTSUP; break;}
        if(errno == EBADF) break;
        if(dill__fdsock_txwait(self, n, deadline)) continue;
        break;
    }
    self->sbusy = 0;
    dill__fdsock_leave(self);
    return rc;
}

int dill_ipc_recvfd(int s, int64_t deadline) {
    struct dill__fdsock *self = dill__hquery(s, dill__ipc_type);
    if(dill__slow(!self)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    if(dill__slow(dill__fdsock_in_ready(self) < 0)) return -1;
    self->rbusy = 1;
    int rc = -1;
    for(;;) {
        char byte;
        struct iovec iov = {&byte, 1};
        union {struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))];} ctl;
        struct msghdr msg;
        memset(&msg, 0, sizeof(msg));
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = ctl.b;
        msg.msg_controllen = sizeof(ctl.b);
        ssize_t n = recvmsg(self->fd, &msg, 0);
        if(n == 1) {
            /* No descriptor number was free for it (MSG_CTRUNC: the kernel
               closed it), or a byte without one: EPROTO, and receiving is
               unusable after it, as upstream has it. */
            struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
            if(!(msg.msg_flags & MSG_CTRUNC) && c && c->cmsg_level == SOL_SOCKET &&
                  c->cmsg_type == SCM_RIGHTS && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
                memcpy(&rc, CMSG_DATA(c), sizeof(int));
            } else {
                errno = EPROTO;
                self->inerr = 1;
            }
            break;
        }
        if(dill__fdsock_rxwait(self, n, deadline)) continue;
        break;
    }
    self->rbusy = 0;
    dill__fdsock_leave(self);
    return rc;
}

/******************************************************************************/
/*  Pairs                                                                     */
/******************************************************************************/

int dill_ipc_pair_mem(struct dill_ipc_pair_storage *mem, int s[2]) {
    if(dill__slow(!s)) {errno = EINVAL; return -1;}
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    int fds[2];
    if(dill__slow(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) < 0))
        return -1;
    struct dill__fdsock *m = (struct dill__fdsock*)mem;
    s[0] = dill__fdsock_make(fds[0], m, dill__ipc_type);
    if(s[0] >= 0) {
        s[1] = dill__fdsock_make(fds[1], m ? m + 1 : NULL, dill__ipc_type);
        if(s[1] >= 0) return 0;
        int err = errno;
        dill_hclose(s[0]);
        close(fds[1]);
        errno = err;
        return -1;
    }
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    errno = err;
    return -1;
}

int dill_ipc_pair(int s[2]) {
    return dill_ipc_pair_mem(NULL, s);
}
