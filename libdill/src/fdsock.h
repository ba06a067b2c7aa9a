/*
 * Internal: stream sockets over a non-blocking OS descriptor, shared by IPC
 * (AF_UNIX) and TCP (AF_INET/AF_INET6).  They differ only in how the
 * descriptor is made; sending, receiving, half-close, the termination
 * handshake and accepting are here (a socket closed while a call is busy:
 * busy.h).
 */
#ifndef DILL_FDSOCK_H_INCLUDED
#define DILL_FDSOCK_H_INCLUDED

#include <sys/socket.h>

#include "../include/libdillimpl.h"
#include "bsock.h"
#include "busy.h"

/* A connected stream socket. */
struct dill__fdsock {
    struct dill_hvfs hvfs;
    struct dill_bsock_vfs bvfs;
    struct dill__bsock_peek pvfs;
    const void *type;      /* what hquery answers with this object */
    int fd;
    /* Sends and receives, and ipc_close/tcp_close, are calls (busy.h). */
    struct dill__busy busy;
    unsigned sbusy : 1;    /* a coroutine is sending */
    unsigned rbusy : 1;    /* a coroutine is receiving */
    unsigned outdone : 1;  /* *_done was called */
    unsigned indone : 1;   /* the peer half-closed: brecv gives EPIPE */
    unsigned outerr : 1;   /* sending failed: the direction is unusable */
    unsigned inerr : 1;    /* receiving failed: the direction is unusable */
    unsigned mem : 1;      /* in user storage: not freed */
    /* 1 while a brecv from TypeScript waits for bytes in JS, without a
       coroutine (libdill/host/host.c): receiving is busy as with rbusy, and
       the socket is not freed (dill__fdsock_leave).  A plain int: JS clears
       it when the bytes come. */
    int rxparked;
};

/* A listening socket. */
struct dill__fdlistener {
    struct dill_hvfs hvfs;
    const void *type;
    int fd;
    unsigned mem : 1;
};

/* Makes fd non-blocking; 0 or -1 with errno. */
int dill__fd_nonblock(int fd);
/* The *_fromfd calls: checks, as upstream does, that fd is a stream socket
   of `family` (AF_UNIX, or AF_INET for either IP family) that listens if
   and only if `listener`, then makes it non-blocking.  0, or -1 with EINVAL
   (a negative fd, another kind of socket), EBADF or ENOTSOCK. */
int dill__fd_adopt(int fd, int family, int listener);

/* Wraps a connected non-blocking descriptor as a handle of `type` (in `mem`
   if not NULL); -1 with errno on failure (the descriptor stays open). */
int dill__fdsock_make(int fd, struct dill__fdsock *mem, const void *type);
/* The descriptor of handle h if it is one of these sockets, else -1. */
int dill__fdsock_fd(int h);
/* The socket behind handle h, or NULL if h is not one of these sockets. */
struct dill__fdsock *dill__fdsock_of(int h);

/* Connects a new non-blocking socket of `family` to `addr` and wraps it;
   -1 with errno (ECONNREFUSED, ETIMEDOUT, ECANCELED...). */
int dill__fdsock_connect(int family, const struct sockaddr *addr,
    socklen_t addrlen, struct dill__fdsock *mem, const void *type,
    int64_t deadline);

/* The descriptor returned n <= 0 for a send (tx) or receive (rx).  Returns 1
   if the caller should retry (the descriptor became ready), or 0 with errno
   set and the direction marked done or failed. */
int dill__fdsock_txwait(struct dill__fdsock *self, ssize_t n, int64_t deadline);
int dill__fdsock_rxwait(struct dill__fdsock *self, ssize_t n, int64_t deadline);

/* A receive parked in JS (rxparked) ended and rxparked is 0: frees the
   socket if it was closed meanwhile and no call is inside (busy.closed
   tells whether it was). */
void dill__fdsock_leave(struct dill__fdsock *self);

/* The checks every send/receive starts with: 0, or -1 with errno. */
int dill__fdsock_out_ready(struct dill__fdsock *self);
int dill__fdsock_in_ready(struct dill__fdsock *self);

/* ipc_done/tcp_done on handle s. */
int dill__fdsock_done(int s, const void *type);

/* ipc_close/tcp_close: the termination handshake on a connection (or hclose
   of a listener of `ltype`); the handle is closed in every case. */
int dill__fdsock_close(int s, const void *type, const void *ltype,
    int64_t deadline);

/* Wraps a listening non-blocking descriptor. */
int dill__fdlistener_make(int fd, struct dill__fdlistener *mem,
    const void *type);

/* Binds a new non-blocking socket of `family` to `addr`, listens and wraps
   it; -1 with errno.  `tune` (if not NULL) runs on the descriptor first. */
int dill__fdlistener_listen(int family, const struct sockaddr *addr,
    socklen_t addrlen, int backlog, int (*tune)(int fd),
    struct dill__fdlistener *mem, const void *type);

/* Accepts a connection on listener handle s (of `ltype`) and wraps it as
   `type`; the peer's address goes to addr/addrlen if not NULL. */
int dill__fdlistener_accept(int s, const void *ltype, const void *type,
    struct dill__fdsock *mem, struct sockaddr *addr, socklen_t *addrlen,
    int64_t deadline);

/* A receive that waits outside a coroutine (a brecv from TypeScript waiting
   in JS, libdill/host/host.c), and a send done outside one. */
/* The descriptor of handle h if it is one of these sockets and can send
   (dir 0) or receive (dir 1) now, else -1 (the general way tells why). */
int dill__fdsock_ready_fd(int h, int dir);
/* Receiving on handle h becomes busy until the flag whose address this
   returns is cleared (by JS, when the bytes came) or dill__fdsock_unpark
   is called; NULL if h is not one of these sockets. */
int *dill__fdsock_park(int h);
/* The receive waiting with flag `parked` ends without its bytes: `fail`
   makes receiving unusable (as a receive that timed out or was canceled).
   Returns 1 if the socket was closed meanwhile (it is freed now). */
int dill__fdsock_unpark(int *parked, int fail);
/* A send on handle h failed outside fdsock.c: sending is unusable. */
void dill__fdsock_txfail(int h);

#endif
