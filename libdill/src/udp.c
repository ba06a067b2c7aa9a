/*
 * UDP: message sockets over AF_INET/AF_INET6 datagrams.  Sending never
 * blocks (a datagram that does not fit in the send queue is dropped, as UDP
 * allows); receiving waits in fdin().  A socket opened with a remote address
 * sends there by default and drops datagrams from anybody else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../include/libdillimpl.h"
#include "bsock.h"
#include "cr.h"
#include "handle.h"
#include "ipaddr.h"
#include "utils.h"

static const int dill__udp_type_placeholder = 0;
static const void *dill__udp_type = &dill__udp_type_placeholder;

struct dill__udp {
    struct dill_hvfs hvfs;
    struct dill_msock_vfs mvfs;
    int fd;
    unsigned rbusy : 1;      /* a coroutine is receiving */
    unsigned hasremote : 1;
    unsigned mem : 1;
    unsigned closed : 1;     /* hclose'd while receiving: the receiver frees it */
    struct dill_ipaddr remote;
};
DILL__STATIC_ASSERT(sizeof(struct dill__udp) <= sizeof(struct dill_udp_storage),
    "udp_storage too small");

/* Largest payloads of a datagram: 65535 minus the IP and UDP headers. */
#define DILL__UDP_MAX4 65507
#define DILL__UDP_MAX6 65527
/* iovecs on the stack; longer lists take a heap array. */
#define DILL__UDP_IOVS 16

/* Where receive buffers with a NULL base put the bytes they skip. */
static char dill__udp_drop[65536];

static void *dill__udp_query(struct dill_hvfs *hvfs, const void *type) {
    struct dill__udp *self = dill__cont(hvfs, struct dill__udp, hvfs);
    if(type == dill_msock_type) return &self->mvfs;
    if(type == dill__udp_type) return self;
    errno = ENOTSUP;
    return NULL;
}

static void dill__udp_free(struct dill__udp *self) {
    if(!self->mem) free(self);
}

static void dill__udp_hclose(struct dill_hvfs *hvfs) {
    struct dill__udp *self = dill__cont(hvfs, struct dill__udp, hvfs);
    dill_fdclean(self->fd);
    close(self->fd);
    if(self->rbusy) {self->closed = 1; return;}
    dill__udp_free(self);
}

/*
 * The iolist as iovecs (in `small` if it fits, else on the heap: *heap is
 * then to be freed).  Receive lists map NULL bases to the drop buffer; a send
 * list must not have any.  Returns the count, or -1 with errno.
 */
static int dill__udp_iov(struct dill_iolist *first, int rx, struct iovec *small,
      struct iovec **iov, size_t *total) {
    int n = 0;
    *total = 0;
    for(struct dill_iolist *it = first; it; it = it->iol_next) n++;
    *iov = small;
    if(n > DILL__UDP_IOVS) {
        *iov = malloc(n * sizeof(struct iovec));
        if(dill__slow(!*iov)) {errno = ENOMEM; return -1;}
    }
    int i = 0;
    for(struct dill_iolist *it = first; it; it = it->iol_next, i++) {
        void *base = it->iol_base;
        size_t len = it->iol_len;
        if(!base && len) {
            if(dill__slow(!rx)) {
                if(*iov != small) free(*iov);
                errno = EINVAL;
                return -1;
            }
            base = dill__udp_drop;
            if(len > sizeof(dill__udp_drop)) len = sizeof(dill__udp_drop);
        }
        (*iov)[i].iov_base = base;
        (*iov)[i].iov_len = len;
        *total += it->iol_len;
    }
    return n;
}

static int dill__udp_sendl_to(struct dill__udp *self,
      const struct dill_ipaddr *addr, struct dill_iolist *first) {
    if(!addr) {
        if(dill__slow(!self->hasremote)) {errno = EINVAL; return -1;}
        addr = &self->remote;
    }
    if(dill__slow(!dill__ipaddr_valid(addr))) {errno = EINVAL; return -1;}
    struct iovec small[DILL__UDP_IOVS], *iov;
    size_t total;
    int n = dill__udp_iov(first, 0, small, &iov, &total);
    if(dill__slow(n < 0)) return -1;
    int rc = 0;
    size_t max = dill_ipaddr_family(addr) == AF_INET ? DILL__UDP_MAX4 : DILL__UDP_MAX6;
    if(dill__slow(total > max)) {
        errno = EMSGSIZE;
        rc = -1;
    } else {
        struct msghdr msg;
        memset(&msg, 0, sizeof(msg));
        msg.msg_name = (void*)dill_ipaddr_sockaddr(addr);
        msg.msg_namelen = dill_ipaddr_len(addr);
        msg.msg_iov = iov;
        msg.msg_iovlen = n;
        /* No room in the send queue: the datagram is dropped. */
        if(sendmsg(self->fd, &msg, MSG_NOSIGNAL) < 0 && errno != EAGAIN) rc = -1;
    }
    if(iov != small) free(iov);
    return rc;
}

/* Receives one datagram (first == NULL: dropped) from the remote address if
   there is one; stores the sender in addr if not NULL. */
static ssize_t dill__udp_recvl_from(struct dill__udp *self,
      struct dill_ipaddr *addr, struct dill_iolist *first, int64_t deadline) {
    if(dill__slow(self->rbusy)) {errno = EBUSY; return -1;}
    struct iovec small[DILL__UDP_IOVS], *iov = small;
    struct dill_iolist whole = {NULL, sizeof(dill__udp_drop), NULL, 0};
    size_t total;
    int n = dill__udp_iov(first ? first : &whole, 1, small, &iov, &total);
    if(dill__slow(n < 0)) return -1;
    self->rbusy = 1;
    /* The sender's address is asked of the kernel only if it is wanted. */
    int named = addr || self->hasremote;
    ssize_t rc;
    for(;;) {
        struct dill_ipaddr from;
        struct msghdr msg;
        memset(&msg, 0, sizeof(msg));
        if(named) {
            msg.msg_name = &from;
            msg.msg_namelen = sizeof(from);
        }
        msg.msg_iov = iov;
        msg.msg_iovlen = n;
        rc = recvmsg(self->fd, &msg, 0);
        if(rc < 0) {
            if(errno != EAGAIN) break;
            if(dill_fdin(self->fd, deadline) < 0) break;
            continue;
        }
        struct dill_ipaddr sender;
        if(named) {
            dill__ipaddr_from(&sender, (struct sockaddr*)&from);
            if(self->hasremote && !dill_ipaddr_equal(&sender, &self->remote, 0)) continue;
        }
        if(msg.msg_flags & MSG_TRUNC) {errno = EMSGSIZE; rc = -1; break;}
        if(addr) *addr = sender;
        break;
    }
    if(iov != small) free(iov);
    self->rbusy = 0;
    if(dill__slow(self->closed)) dill__udp_free(self);
    return rc;
}

static int dill__udp_msendl(struct dill_msock_vfs *mvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__udp *self = dill__cont(mvfs, struct dill__udp, mvfs);
    return dill__udp_sendl_to(self, NULL, first);
}

static ssize_t dill__udp_mrecvl(struct dill_msock_vfs *mvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__udp *self = dill__cont(mvfs, struct dill__udp, mvfs);
    return dill__udp_recvl_from(self, NULL, first, deadline);
}

int dill_udp_open_mem(struct dill_ipaddr *local,
      const struct dill_ipaddr *remote, struct dill_udp_storage *mem) {
    /* An address of no IP family (a zeroed struct ipaddr): EAFNOSUPPORT, as
       upstream has it from socket(). */
    if(dill__slow((local && !dill__ipaddr_valid(local)) ||
          (remote && !dill__ipaddr_valid(remote)))) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    if(dill__slow(local && remote &&
          dill_ipaddr_family(local) != dill_ipaddr_family(remote))) {
        errno = EINVAL;
        return -1;
    }
    int family = local ? dill_ipaddr_family(local) :
        remote ? dill_ipaddr_family(remote) : AF_INET;
    /* Storage and a handle slot first: a failure leaves nothing changed
       (no port written back into `local`). */
    struct dill__udp *self = dill__storage(mem, sizeof(*self));
    if(dill__slow(!self)) return -1;
    int fd = dill__hreserve() < 0 ? -1 : socket(family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if(dill__slow(fd < 0)) goto fail;
    if(local) {
        /* As upstream: SO_REUSEADDR, so that a port in use can be bound
           again (the socket bound last gets the datagrams). */
        int one = 1;
        if(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
              bind(fd, dill_ipaddr_sockaddr(local), dill_ipaddr_len(local)) < 0)
            goto fail;
        if(dill_ipaddr_port(local) == 0) {
            /* The ephemeral port chosen goes back into the caller's address. */
            struct dill_ipaddr bound;
            socklen_t len = sizeof(bound);
            if(getsockname(fd, (struct sockaddr*)&bound, &len) < 0) goto fail;
            dill_ipaddr_setport(local, dill_ipaddr_port(&bound));
        }
    }
    memset(self, 0, sizeof(*self));
    self->hvfs.query = dill__udp_query;
    self->hvfs.close = dill__udp_hclose;
    self->mvfs.msendl = dill__udp_msendl;
    self->mvfs.mrecvl = dill__udp_mrecvl;
    self->fd = fd;
    self->mem = !!mem;
    if(remote) {
        self->remote = *remote;
        self->hasremote = 1;
    }
    int h = dill__hmake(&self->hvfs);
    if(h >= 0) return h;
fail:
    dill__storage_drop(self, mem);
    if(fd >= 0) {
        int err = errno;
        close(fd);
        errno = err;
    }
    return -1;
}

int dill_udp_open(struct dill_ipaddr *local, const struct dill_ipaddr *remote) {
    return dill_udp_open_mem(local, remote, NULL);
}

int dill_udp_sendl(int s, const struct dill_ipaddr *addr,
      struct dill_iolist *first, struct dill_iolist *last) {
    struct dill__udp *self = dill__hquery(s, dill__udp_type);
    if(dill__slow(!self)) return -1;
    if(dill__slow(dill__iol_check(first, last, NULL) < 0)) return -1;
    return dill__udp_sendl_to(self, addr, first);
}

int dill_udp_send(int s, const struct dill_ipaddr *addr, const void *buf,
      size_t len) {
    if(dill__slow(!buf && len)) {errno = EFAULT; return -1;}
    struct dill_iolist iol = {(void*)buf, len, NULL, 0};
    return dill_udp_sendl(s, addr, &iol, &iol);
}

ssize_t dill_udp_recvl(int s, struct dill_ipaddr *addr,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__udp *self = dill__hquery(s, dill__udp_type);
    if(dill__slow(!self)) return -1;
    if(dill__slow(dill__iol_check_recv(first, last) < 0)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    return dill__udp_recvl_from(self, addr, first, deadline);
}

ssize_t dill_udp_recv(int s, struct dill_ipaddr *addr, void *buf, size_t len,
      int64_t deadline) {
    struct dill_iolist iol = {buf, len, NULL, 0};
    return dill_udp_recvl(s, addr, &iol, &iol, deadline);
}
