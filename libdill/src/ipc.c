/*
 * IPC: bytestream sockets over AF_UNIX, on top of the POSIX socket layer
 * (wasm/shim/sockets.js).  Descriptors are non-blocking; a call that cannot
 * make progress waits in fdin()/fdout(), so only the calling coroutine
 * blocks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../include/libdillimpl.h"
#include "bsock.h"
#include "cr.h"
#include "handle.h"
#include "utils.h"

static const int dill__ipc_type_placeholder = 0;
static const void *dill__ipc_type = &dill__ipc_type_placeholder;
static const int dill__ipc_listener_type_placeholder = 0;
static const void *dill__ipc_listener_type = &dill__ipc_listener_type_placeholder;

/******************************************************************************/
/*  Connections                                                               */
/******************************************************************************/

struct dill__ipc {
    struct dill_hvfs hvfs;
    struct dill_bsock_vfs bvfs;
    int fd;
    unsigned sbusy : 1;    /* a coroutine is sending */
    unsigned rbusy : 1;    /* a coroutine is receiving */
    unsigned outdone : 1;  /* ipc_done was called */
    unsigned indone : 1;   /* the peer half-closed: brecv gives EPIPE */
    unsigned outerr : 1;   /* sending failed: the direction is unusable */
    unsigned inerr : 1;    /* receiving failed: the direction is unusable */
    unsigned mem : 1;
    unsigned closed : 1;   /* hclose'd while busy: the last user frees it */
};
DILL__STATIC_ASSERT(2 * sizeof(struct dill__ipc) <= sizeof(struct dill_ipc_pair_storage),
    "ipc_pair_storage too small");
DILL__STATIC_ASSERT(sizeof(struct dill__ipc) <= sizeof(struct dill_ipc_storage),
    "ipc_storage too small");

static void *dill__ipc_query(struct dill_hvfs *hvfs, const void *type) {
    struct dill__ipc *self = dill__cont(hvfs, struct dill__ipc, hvfs);
    if(type == dill_bsock_type) return &self->bvfs;
    if(type == dill__ipc_type) return self;
    errno = ENOTSUP;
    return NULL;
}

static void dill__ipc_close(struct dill_hvfs *hvfs) {
    struct dill__ipc *self = dill__cont(hvfs, struct dill__ipc, hvfs);
    dill_fdclean(self->fd);
    close(self->fd);
    /* A coroutine blocked on the socket wakes with EBADF and still looks at
       it: it frees the object when it leaves. */
    if(self->sbusy || self->rbusy) {self->closed = 1; return;}
    if(!self->mem) free(self);
}

/* A send or receive leaves: frees a socket closed meanwhile. */
static void dill__ipc_leave(struct dill__ipc *self) {
    if(dill__slow(self->closed) && !self->sbusy && !self->rbusy && !self->mem)
        free(self);
}

/* Errors of a broken connection, as the manual names them. */
static int dill__ipc_broken(int err) {
    return err == EPIPE || err == ECONNRESET || err == ENOTCONN ? ECONNRESET : err;
}

/*
 * A send or receive on the descriptor returned n <= 0.  Returns 1 if the
 * caller should retry (the descriptor became ready), or 0 with errno set and
 * the direction marked done or failed.
 */
static int dill__ipc_txwait(struct dill__ipc *self, ssize_t n, int64_t deadline) {
    if(n < 0 && errno == EAGAIN) {
        if(dill_fdout(self->fd, deadline) == 0) return 1;
    } else if(n < 0) {
        errno = dill__ipc_broken(errno);
    }
    self->outerr = 1;
    return 0;
}

static int dill__ipc_rxwait(struct dill__ipc *self, ssize_t n, int64_t deadline) {
    if(n == 0) {
        self->indone = 1;
        errno = EPIPE;
        return 0;
    }
    if(errno == EAGAIN) {
        if(dill_fdin(self->fd, deadline) == 0) return 1;
    } else {
        errno = dill__ipc_broken(errno);
    }
    self->inerr = 1;
    return 0;
}

static int dill__ipc_bsendl(struct dill_bsock_vfs *bvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__ipc *self = dill__cont(bvfs, struct dill__ipc, bvfs);
    if(dill__slow(self->outdone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->outerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->sbusy)) {errno = EBUSY; return -1;}
    self->sbusy = 1;
    int rc = 0;
    for(struct dill_iolist *it = first; it; it = it->iol_next) {
        char *p = it->iol_base;
        size_t left = it->iol_len;
        while(left) {
            ssize_t n = send(self->fd, p, left, MSG_NOSIGNAL);
            if(n > 0) {p += n; left -= n; continue;}
            if(dill__ipc_txwait(self, n, deadline)) continue;
            rc = -1;
            break;
        }
        if(rc < 0 || it == last) break;
    }
    self->sbusy = 0;
    dill__ipc_leave(self);
    return rc;
}

static int dill__ipc_brecvl(struct dill_bsock_vfs *bvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__ipc *self = dill__cont(bvfs, struct dill__ipc, bvfs);
    if(dill__slow(self->indone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->inerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->rbusy)) {errno = EBUSY; return -1;}
    self->rbusy = 1;
    static char drop[4096];
    int rc = 0;
    for(struct dill_iolist *it = first; it; it = it->iol_next) {
        char *p = it->iol_base;
        size_t left = it->iol_len;
        while(left) {
            /* A NULL base means: receive and drop these bytes. */
            void *dst = p ? (void*)p : drop;
            size_t want = p ? left : (left < sizeof(drop) ? left : sizeof(drop));
            ssize_t n = recv(self->fd, dst, want, 0);
            if(n > 0) {
                if(p) p += n;
                left -= n;
                continue;
            }
            if(dill__ipc_rxwait(self, n, deadline)) continue;
            rc = -1;
            break;
        }
        if(rc < 0 || it == last) break;
    }
    self->rbusy = 0;
    dill__ipc_leave(self);
    return rc;
}

/* Wrap a connected, non-blocking descriptor. */
static int dill__ipc_make(int fd, struct dill__ipc *mem) {
    struct dill__ipc *self = mem ? mem : malloc(sizeof(struct dill__ipc));
    if(dill__slow(!self)) {errno = ENOMEM; return -1;}
    memset(self, 0, sizeof(*self));
    self->hvfs.query = dill__ipc_query;
    self->hvfs.close = dill__ipc_close;
    self->bvfs.bsendl = dill__ipc_bsendl;
    self->bvfs.brecvl = dill__ipc_brecvl;
    self->fd = fd;
    self->mem = !!mem;
    return dill__hmake_owned(&self->hvfs, self, !mem);
}

static int dill__nonblock(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if(flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int dill_ipc_fromfd_mem(int fd, struct dill_ipc_storage *mem) {
    if(dill__slow(dill__nonblock(fd) < 0)) return -1;
    return dill__ipc_make(fd, (struct dill__ipc*)mem);
}

int dill_ipc_fromfd(int fd) {
    return dill_ipc_fromfd_mem(fd, NULL);
}

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

int dill_ipc_connect_mem(const char *addr, struct dill_ipc_storage *mem,
      int64_t deadline) {
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    struct sockaddr_un un;
    if(dill__slow(dill__ipc_addr(addr, &un) < 0)) return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if(dill__slow(fd < 0)) return -1;
    int rc = connect(fd, (struct sockaddr*)&un, sizeof(un));
    if(rc < 0 && errno == EINPROGRESS) {
        rc = dill_fdout(fd, deadline);
        if(rc == 0) {
            int err = 0;
            socklen_t errlen = sizeof(err);
            rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen);
            if(rc == 0 && err) {errno = err; rc = -1;}
        }
    }
    if(rc == 0) {
        int h = dill__ipc_make(fd, (struct dill__ipc*)mem);
        if(h >= 0) return h;
    }
    int err = errno;
    dill_fdclean(fd);
    close(fd);
    errno = err;
    return -1;
}

int dill_ipc_connect(const char *addr, int64_t deadline) {
    return dill_ipc_connect_mem(addr, NULL, deadline);
}

int dill_ipc_done(int s, int64_t deadline) {
    struct dill__ipc *self = dill__hquery(s, dill__ipc_type);
    if(dill__slow(!self)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    if(dill__slow(self->outdone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->outerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(shutdown(self->fd, SHUT_WR) < 0)) {
        errno = dill__ipc_broken(errno);
        return -1;
    }
    self->outdone = 1;
    return 0;
}

/* Half-close, then read and drop until the peer's EOF (the termination
   handshake).  The handle is closed in every case. */
static int dill__ipc_shutdown(struct dill__ipc *self, int64_t deadline) {
    if(dill__cr_canceled()) {errno = ECANCELED; return -1;}
    if(self->outerr || self->inerr) {errno = ECONNRESET; return -1;}
    if(!self->outdone && shutdown(self->fd, SHUT_WR) < 0) {
        errno = dill__ipc_broken(errno);
        return -1;
    }
    self->outdone = 1;
    while(!self->indone) {
        struct dill_iolist iol = {NULL, 65536, NULL, 0};
        if(dill__ipc_brecvl(&self->bvfs, &iol, &iol, deadline) == 0) continue;
        if(errno == EPIPE) break;
        return -1;
    }
    return 0;
}

/******************************************************************************/
/*  Passing descriptors                                                       */
/******************************************************************************/

/* One byte carrying the descriptor in an SCM_RIGHTS message. */
int dill_ipc_sendfd(int s, int fd, int64_t deadline) {
    struct dill__ipc *self = dill__hquery(s, dill__ipc_type);
    if(dill__slow(!self)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    if(dill__slow(fd < 0)) {errno = EBADF; return -1;}
    if(dill__slow(self->outdone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->outerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->sbusy)) {errno = EBUSY; return -1;}
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
        if(dill__ipc_txwait(self, n, deadline)) continue;
        break;
    }
    self->sbusy = 0;
    dill__ipc_leave(self);
    return rc;
}

int dill_ipc_recvfd(int s, int64_t deadline) {
    struct dill__ipc *self = dill__hquery(s, dill__ipc_type);
    if(dill__slow(!self)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    if(dill__slow(self->indone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->inerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->rbusy)) {errno = EBUSY; return -1;}
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
            struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
            if(c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
                  c->cmsg_len >= CMSG_LEN(sizeof(int))) {
                memcpy(&rc, CMSG_DATA(c), sizeof(int));
            } else {
                /* A byte without a descriptor: not what the peer should send. */
                errno = EPROTO;
                self->inerr = 1;
            }
            break;
        }
        if(dill__ipc_rxwait(self, n, deadline)) continue;
        break;
    }
    self->rbusy = 0;
    dill__ipc_leave(self);
    return rc;
}

/******************************************************************************/
/*  Listeners                                                                 */
/******************************************************************************/

struct dill__ipc_listener {
    struct dill_hvfs hvfs;
    int fd;
    unsigned mem : 1;
};
DILL__STATIC_ASSERT(sizeof(struct dill__ipc_listener) <=
    sizeof(struct dill_ipc_listener_storage), "ipc_listener_storage too small");

static void *dill__ipc_listener_query(struct dill_hvfs *hvfs, const void *type) {
    if(type == dill__ipc_listener_type) return hvfs;
    errno = ENOTSUP;
    return NULL;
}

static void dill__ipc_listener_close(struct dill_hvfs *hvfs) {
    struct dill__ipc_listener *self = (struct dill__ipc_listener*)hvfs;
    dill_fdclean(self->fd);
    close(self->fd);
    if(!self->mem) free(self);
}

static int dill__ipc_listener_make(int fd, struct dill__ipc_listener *mem) {
    struct dill__ipc_listener *self = mem ? mem : malloc(sizeof(*self));
    if(dill__slow(!self)) {errno = ENOMEM; return -1;}
    self->hvfs.query = dill__ipc_listener_query;
    self->hvfs.close = dill__ipc_listener_close;
    self->fd = fd;
    self->mem = !!mem;
    return dill__hmake_owned(&self->hvfs, self, !mem);
}

int dill_ipc_listen_mem(const char *addr, int backlog,
      struct dill_ipc_listener_storage *mem) {
    struct sockaddr_un un;
    if(dill__slow(dill__ipc_addr(addr, &un) < 0)) return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if(dill__slow(fd < 0)) return -1;
    if(bind(fd, (struct sockaddr*)&un, sizeof(un)) == 0 && listen(fd, backlog) == 0) {
        int h = dill__ipc_listener_make(fd, (struct dill__ipc_listener*)mem);
        if(h >= 0) return h;
    }
    int err = errno;
    close(fd);
    errno = err;
    return -1;
}

int dill_ipc_listen(const char *addr, int backlog) {
    return dill_ipc_listen_mem(addr, backlog, NULL);
}

int dill_ipc_listener_fromfd_mem(int fd, struct dill_ipc_listener_storage *mem) {
    if(dill__slow(dill__nonblock(fd) < 0)) return -1;
    return dill__ipc_listener_make(fd, (struct dill__ipc_listener*)mem);
}

int dill_ipc_listener_fromfd(int fd) {
    return dill_ipc_listener_fromfd_mem(fd, NULL);
}

int dill_ipc_accept_mem(int s, struct dill_ipc_storage *mem, int64_t deadline) {
    struct dill__ipc_listener *l = dill__hquery(s, dill__ipc_listener_type);
    if(dill__slow(!l)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    for(;;) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK);
        if(fd >= 0) {
            int h = dill__ipc_make(fd, (struct dill__ipc*)mem);
            if(h < 0) {int err = errno; close(fd); errno = err;}
            return h;
        }
        if(errno != EAGAIN) return -1;
        if(dill_fdin(l->fd, deadline) < 0) return -1;
    }
}

int dill_ipc_accept(int s, int64_t deadline) {
    return dill_ipc_accept_mem(s, NULL, deadline);
}

int dill_ipc_close(int s, int64_t deadline) {
    struct dill_hvfs *vfs = dill__hvfs(s);
    if(dill__slow(!vfs)) return -1;
    struct dill__ipc *self = vfs->query(vfs, dill__ipc_type);
    if(!self) {
        /* A listener: the same as hclose. */
        if(dill__slow(!vfs->query(vfs, dill__ipc_listener_type))) {
            errno = ENOTSUP;
            return -1;
        }
        return dill_hclose(s);
    }
    int rc = dill__ipc_shutdown(self, deadline);
    int err = errno;
    dill_hclose(s);
    errno = err;
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
    struct dill__ipc *m = (struct dill__ipc*)mem;
    s[0] = dill__ipc_make(fds[0], m);
    if(s[0] >= 0) {
        s[1] = dill__ipc_make(fds[1], m ? m + 1 : NULL);
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
