/*
 * Stream sockets over a non-blocking OS descriptor (see fdsock.h), on top of
 * the POSIX socket layer (wasm/shim/: syscalls-*.js, endpoints).  A call that cannot make
 * progress waits in fdin()/fdout(), so only the calling coroutine blocks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>

#include "bsock.h"
#include "cr.h"
#include "drain.h"
#include "fdsock.h"
#include "handle.h"
#include "utils.h"

/******************************************************************************/
/*  Connections                                                               */
/******************************************************************************/

static ssize_t dill__fdsock_recvsome(struct dill_bsock_vfs *bvfs, void *buf,
    size_t len, int64_t deadline);
static const struct dill__bsock_some dill__fdsock_some = {dill__fdsock_recvsome};

static void *dill__fdsock_query(struct dill_hvfs *hvfs, const void *type) {
    struct dill__fdsock *self = dill__cont(hvfs, struct dill__fdsock, hvfs);
    if(type == dill_bsock_type) return &self->bvfs;
    if(type == dill__bsock_peek_type) return &self->pvfs;
    if(type == dill__bsock_some_type) return (void*)&dill__fdsock_some;
    if(type == self->type) return self;
    errno = ENOTSUP;
    return NULL;
}

/* The last call left a socket closed meanwhile: it is freed, unless a
   receive parked in JS still holds it (dill__fdsock_leave frees it then). */
static void dill__fdsock_free(struct dill__busy *busy) {
    struct dill__fdsock *self = dill__cont(busy, struct dill__fdsock, busy);
    if(!self->rxparked && !self->mem) free(self);
}

static void dill__fdsock_hclose(struct dill_hvfs *hvfs) {
    struct dill__fdsock *self = dill__cont(hvfs, struct dill__fdsock, hvfs);
    dill_fdclean(self->fd);
    close(self->fd);
    /* A coroutine blocked on the socket wakes with EBADF and still looks at
       it: it frees the object when it leaves. */
    dill__busy_close(&self->busy);
}

void dill__fdsock_leave(struct dill__fdsock *self) {
    dill__busy_release(&self->busy);
}

/* Errors of a broken connection, as the manual names them. */
static int dill__fdsock_broken(int err) {
    return err == EPIPE || err == ECONNRESET || err == ENOTCONN ? ECONNRESET : err;
}

int dill__fdsock_txwait(struct dill__fdsock *self, ssize_t n, int64_t deadline) {
    if(n < 0 && errno == EAGAIN) {
        if(dill_fdout(self->fd, deadline) == 0) return 1;
    } else if(n < 0) {
        errno = dill__fdsock_broken(errno);
    }
    self->outerr = 1;
    return 0;
}

int dill__fdsock_rxwait(struct dill__fdsock *self, ssize_t n, int64_t deadline) {
    if(n == 0) {
        self->indone = 1;
        errno = EPIPE;
        return 0;
    }
    if(errno == EAGAIN) {
        if(dill_fdin(self->fd, deadline) == 0) return 1;
    } else {
        errno = dill__fdsock_broken(errno);
    }
    self->inerr = 1;
    return 0;
}

int dill__fdsock_out_ready(struct dill__fdsock *self) {
    if(dill__slow(self->outdone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->outerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->sbusy)) {errno = EBUSY; return -1;}
    return 0;
}

int dill__fdsock_in_ready(struct dill__fdsock *self) {
    if(dill__slow(self->indone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->inerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->rbusy || self->rxparked)) {errno = EBUSY; return -1;}
    return 0;
}

/* Iovecs per sendmsg: a message's header and body go to the kernel in one
   call (item by item, a small header then its body would wait for the
   peer's delayed acknowledgement on TCP). */
#define DILL__FDSOCK_IOV 64

static int dill__fdsock_bsendl(struct dill_bsock_vfs *bvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__fdsock *self = dill__cont(bvfs, struct dill__fdsock, bvfs);
    if(dill__slow(dill__fdsock_out_ready(self) < 0)) return -1;
    self->sbusy = 1;
    dill__busy_enter(&self->busy);
    int rc = 0;
    struct iovec iov[DILL__FDSOCK_IOV];
    /* Not sent yet: item `it` from byte `off` on, and the items after it. */
    struct dill_iolist *it = first;
    size_t off = 0;
    while(it) {
        int cnt = 0;
        size_t o = off;
        for(struct dill_iolist *j = it; j && cnt < DILL__FDSOCK_IOV;
              j = j == last ? NULL : j->iol_next, o = 0) {
            if(j->iol_len == o) continue;
            iov[cnt].iov_base = (char*)j->iol_base + o;
            iov[cnt].iov_len = j->iol_len - o;
            cnt++;
        }
        if(!cnt) break;
        struct msghdr msg = {.msg_iov = iov, .msg_iovlen = cnt};
        ssize_t n = sendmsg(self->fd, &msg, MSG_NOSIGNAL);
        if(n < 0) {
            if(dill__fdsock_txwait(self, n, deadline)) continue;
            rc = -1;
            break;
        }
        for(size_t left = n; it && left;) {
            size_t room = it->iol_len - off;
            if(left < room) {
                off += left;
                break;
            }
            left -= room;
            off = 0;
            it = it == last ? NULL : it->iol_next;
        }
    }
    self->sbusy = 0;
    dill__busy_leave(&self->busy);
    return rc;
}

static int dill__fdsock_brecvl(struct dill_bsock_vfs *bvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__fdsock *self = dill__cont(bvfs, struct dill__fdsock, bvfs);
    if(dill__slow(dill__fdsock_in_ready(self) < 0)) return -1;
    self->rbusy = 1;
    dill__busy_enter(&self->busy);
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
            if(dill__fdsock_rxwait(self, n, deadline)) continue;
            rc = -1;
            break;
        }
        if(rc < 0 || it == last) break;
    }
    self->rbusy = 0;
    dill__busy_leave(&self->busy);
    return rc;
}

static ssize_t dill__fdsock_peek(struct dill__bsock_peek *pvfs, void *buf,
      size_t len, int64_t deadline) {
    struct dill__fdsock *self = dill__cont(pvfs, struct dill__fdsock, pvfs);
    if(dill__slow(dill__fdsock_in_ready(self) < 0)) return -1;
    self->rbusy = 1;
    dill__busy_enter(&self->busy);
    ssize_t n;
    for(;;) {
        n = recv(self->fd, buf, len, MSG_PEEK);
        if(n > 0) break;
        if(dill__fdsock_rxwait(self, n, deadline)) continue;
        n = -1;
        break;
    }
    self->rbusy = 0;
    dill__busy_leave(&self->busy);
    return n;
}

/* dillwasm_brecvsome: what recv gives.  Waiting consumes nothing, so a
   wait that times out or is canceled leaves receiving usable. */
static ssize_t dill__fdsock_recvsome(struct dill_bsock_vfs *bvfs, void *buf,
      size_t len, int64_t deadline) {
    struct dill__fdsock *self = dill__cont(bvfs, struct dill__fdsock, bvfs);
    if(dill__slow(dill__fdsock_in_ready(self) < 0)) return -1;
    self->rbusy = 1;
    dill__busy_enter(&self->busy);
    ssize_t n;
    for(;;) {
        n = recv(self->fd, buf, len, 0);
        if(n > 0) break;
        if(n < 0 && errno == EAGAIN) {
            if(dill_fdin(self->fd, deadline) == 0) continue;
            n = -1;
            break;
        }
        /* The end of the stream, or a broken connection: as brecv. */
        dill__fdsock_rxwait(self, n, deadline);
        n = -1;
        break;
    }
    self->rbusy = 0;
    dill__busy_leave(&self->busy);
    return n;
}

struct dill__fdsock *dill__fdsock_of(int h) {
    struct dill_hvfs *vfs = dill__hvfs(h);
    if(!vfs || vfs->query != dill__fdsock_query) return NULL;
    return dill__cont(vfs, struct dill__fdsock, hvfs);
}

int dill__fdsock_fd(int h) {
    struct dill__fdsock *self = dill__fdsock_of(h);
    return self ? self->fd : -1;
}

/* A handle for connection `fd` in storage `self` (from dill__storage with
   `mem`); on failure the storage is let go, the descriptor is not.  Accept
   and connect take the storage before the descriptor exists, so that a
   failed allocation leaves things as they were: the connection in the
   backlog, no connection attempt. */
static int dill__fdsock_init(struct dill__fdsock *self, int fd,
      struct dill__fdsock *mem, const void *type) {
    memset(self, 0, sizeof(*self));
    self->hvfs.query = dill__fdsock_query;
    self->hvfs.close = dill__fdsock_hclose;
    self->bvfs.bsendl = dill__fdsock_bsendl;
    self->bvfs.brecvl = dill__fdsock_brecvl;
    self->pvfs.peek = dill__fdsock_peek;
    self->type = type;
    self->fd = fd;
    self->mem = !!mem;
    dill__busy_init(&self->busy, dill__fdsock_free);
    return dill__hmake_owned(&self->hvfs, self, !mem);
}

int dill__fdsock_make(int fd, struct dill__fdsock *mem, const void *type) {
    struct dill__fdsock *self = dill__storage(mem, sizeof(*self));
    if(dill__slow(!self)) return -1;
    return dill__fdsock_init(self, fd, mem, type);
}

/* Closes fd keeping errno. */
static int dill__fd_fail(int fd) {
    int err = errno;
    dill_fdclean(fd);
    close(fd);
    errno = err;
    return -1;
}

/* dill__fdsock_init for a descriptor made here: closed if that fails. */
static int dill__fdsock_made(struct dill__fdsock *self, int fd,
      struct dill__fdsock *mem, const void *type) {
    int h = dill__fdsock_init(self, fd, mem, type);
    if(dill__slow(h < 0)) return dill__fd_fail(fd);
    return h;
}

int dill__fd_adopt(int fd, int family, int listener) {
    if(dill__slow(fd < 0)) {errno = EINVAL; return -1;}
    int type, domain, acc;
    socklen_t len = sizeof(int);
    if(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0) return -1;
    len = sizeof(int);
    if(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0) return -1;
    len = sizeof(int);
    if(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) < 0) return -1;
    if(family == AF_INET && domain == AF_INET6) domain = AF_INET;
    if(dill__slow(type != SOCK_STREAM || domain != family || !acc != !listener)) {
        errno = EINVAL;
        return -1;
    }
    return dill__fd_nonblock(fd);
}

int dill__fd_nonblock(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if(flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int dill__fdsock_connect(int family, const struct sockaddr *addr,
      socklen_t addrlen, struct dill__fdsock *mem, const void *type,
      int64_t deadline) {
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    struct dill__fdsock *self = dill__storage(mem, sizeof(*self));
    if(dill__slow(!self)) return -1;
    int fd = dill__hreserve() < 0 ? -1 : socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if(dill__slow(fd < 0)) {
        dill__storage_drop(self, mem);
        return -1;
    }
    int rc = connect(fd, addr, addrlen);
    if(rc < 0 && errno == EINPROGRESS) {
        rc = dill_fdout(fd, deadline);
        if(rc == 0) {
            int err = 0;
            socklen_t errlen = sizeof(err);
            rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen);
            if(rc == 0 && err) {errno = err; rc = -1;}
        }
    }
    if(rc == 0) return dill__fdsock_made(self, fd, mem, type);
    dill__storage_drop(self, mem);
    return dill__fd_fail(fd);
}

int dill__fdsock_done(int s, const void *type) {
    struct dill__fdsock *self = dill__hquery(s, type);
    if(dill__slow(!self)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    if(dill__slow(self->outdone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->outerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(shutdown(self->fd, SHUT_WR) < 0)) {
        errno = dill__fdsock_broken(errno);
        return -1;
    }
    self->outdone = 1;
    return 0;
}

/* Half-close, then read and drop until the peer's EOF (the termination
   handshake; drain.h bounds it against a peer that never stops sending). */
static int dill__fdsock_handshake(struct dill__fdsock *self, int64_t deadline) {
    if(dill__cr_canceled()) {errno = ECANCELED; return -1;}
    if(self->outerr || self->inerr) {errno = ECONNRESET; return -1;}
    if(!self->outdone && shutdown(self->fd, SHUT_WR) < 0) {
        errno = dill__fdsock_broken(errno);
        return -1;
    }
    self->outdone = 1;
    struct dill__drain d;
    dill__drain_start(&d, deadline);
    while(!self->indone) {
        struct dill_iolist iol = {NULL, 65536, NULL, 0};
        if(dill__fdsock_brecvl(&self->bvfs, &iol, &iol, deadline) == 0) {
            /* Others run meanwhile: receiving stays busy for them. */
            self->rbusy = 1;
            int rc = dill__drain_step(&d, iol.iol_len);
            self->rbusy = 0;
            if(dill__slow(dill__busy_closed(&self->busy))) {errno = EBADF; return -1;}
            if(rc == 0) continue;
            /* Receiving is left unusable, as by a receive that failed. */
            self->inerr = 1;
            return -1;
        }
        if(errno == EPIPE) break;
        return -1;
    }
    return 0;
}

int dill__fdsock_close(int s, const void *type, const void *ltype,
      int64_t deadline) {
    struct dill_hvfs *vfs = dill__hvfs(s);
    if(dill__slow(!vfs)) return -1;
    struct dill__fdsock *self = vfs->query(vfs, type);
    if(!self) {
        /* A listener: the same as hclose. */
        if(dill__slow(!vfs->query(vfs, ltype))) {
            errno = ENOTSUP;
            return -1;
        }
        return dill_hclose(s);
    }
    dill__busy_enter(&self->busy);
    int rc = dill__fdsock_handshake(self, deadline);
    int err = errno;
    if(dill__slow(dill__busy_leave(&self->busy))) {
        /* hclose'd by another coroutine meanwhile: the number is gone. */
        errno = EBADF;
        return -1;
    }
    dill_hclose(s);
    errno = err;
    return rc;
}

/******************************************************************************/
/*  Listeners                                                                 */
/******************************************************************************/

static void *dill__fdlistener_query(struct dill_hvfs *hvfs, const void *type) {
    struct dill__fdlistener *self = (struct dill__fdlistener*)hvfs;
    if(type == self->type) return self;
    errno = ENOTSUP;
    return NULL;
}

static void dill__fdlistener_hclose(struct dill_hvfs *hvfs) {
    struct dill__fdlistener *self = (struct dill__fdlistener*)hvfs;
    dill_fdclean(self->fd);
    close(self->fd);
    if(!self->mem) free(self);
}

static int dill__fdlistener_init(struct dill__fdlistener *self, int fd,
      struct dill__fdlistener *mem, const void *type) {
    self->hvfs.query = dill__fdlistener_query;
    self->hvfs.close = dill__fdlistener_hclose;
    self->type = type;
    self->fd = fd;
    self->mem = !!mem;
    return dill__hmake_owned(&self->hvfs, self, !mem);
}

int dill__fdlistener_make(int fd, struct dill__fdlistener *mem,
      const void *type) {
    struct dill__fdlistener *self = dill__storage(mem, sizeof(*self));
    if(dill__slow(!self)) return -1;
    return dill__fdlistener_init(self, fd, mem, type);
}

int dill__fdlistener_listen(int family, const struct sockaddr *addr,
      socklen_t addrlen, int backlog, int (*tune)(int fd),
      struct dill__fdlistener *mem, const void *type) {
    /* Storage and a handle slot first: failing after bind would leave the
       socket file of a unix listener behind. */
    struct dill__fdlistener *self = dill__storage(mem, sizeof(*self));
    if(dill__slow(!self)) return -1;
    int fd = dill__hreserve() < 0 ? -1 : socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if(fd >= 0 && (!tune || tune(fd) == 0) && bind(fd, addr, addrlen) == 0 &&
          listen(fd, backlog) == 0) {
        int h = dill__fdlistener_init(self, fd, mem, type);
        if(dill__slow(h < 0)) return dill__fd_fail(fd);
        return h;
    }
    dill__storage_drop(self, mem);
    return fd >= 0 ? dill__fd_fail(fd) : -1;
}

int dill__fdlistener_accept(int s, const void *ltype, const void *type,
      struct dill__fdsock *mem, struct sockaddr *addr, socklen_t *addrlen,
      int64_t deadline) {
    struct dill__fdlistener *l = dill__hquery(s, ltype);
    if(dill__slow(!l)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    struct dill__fdsock *self = dill__storage(mem, sizeof(*self));
    if(dill__slow(!self)) return -1;
    for(;;) {
        /* A handle slot before the connection leaves the backlog (nothing
           can take it between here and dill__fdsock_made: no switch). */
        int fd = dill__hreserve() < 0 ? -1 : accept4(l->fd, addr, addrlen, SOCK_NONBLOCK);
        if(fd >= 0) return dill__fdsock_made(self, fd, mem, type);
        if(errno != EAGAIN || dill_fdin(l->fd, deadline) < 0) {
            dill__storage_drop(self, mem);
            return -1;
        }
    }
}

/* A receive that waits outside a coroutine (a brecv from TypeScript waiting
   in JS, libdill/host/host.c): the socket's side of it. */

int dill__fdsock_ready_fd(int h, int dir) {
    struct dill__fdsock *self = dill__fdsock_of(h);
    if(dill__slow(!self)) return -1;
    if(dill__slow((dir ? dill__fdsock_in_ready(self) :
          dill__fdsock_out_ready(self)) < 0))
        return -1;
    return self->fd;
}

int *dill__fdsock_park(int h) {
    struct dill__fdsock *self = dill__fdsock_of(h);
    if(dill__slow(!self)) return NULL;
    self->rxparked = 1;
    return &self->rxparked;
}

int dill__fdsock_unpark(int *parked, int fail) {
    struct dill__fdsock *self = dill__cont(parked, struct dill__fdsock,
        rxparked);
    self->rxparked = 0;
    if(fail) self->inerr = 1;
    int closed = self->busy.closed;
    dill__fdsock_leave(self);
    return closed;
}

void dill__fdsock_txfail(int h) {
    struct dill__fdsock *self = dill__fdsock_of(h);
    if(self) self->outerr = 1;
}
