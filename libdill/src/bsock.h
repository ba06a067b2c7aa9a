/* Internal: helpers for bytestream sockets. */
#ifndef DILL_BSOCK_H_INCLUDED
#define DILL_BSOCK_H_INCLUDED

#include "../include/libdillimpl.h"

/*
 * Optional interface of a bytestream socket, found with
 * dill__hquery(s, dill__bsock_peek_type): copies up to len bytes that have
 * arrived into buf without taking them from the socket, waiting (until the
 * deadline) for at least one.  Returns how many, or -1 with errno as brecvl
 * would (EPIPE at the end of the stream).  Protocols that must not read
 * past their own data (SUFFIX) look ahead with it, then take exactly what
 * is theirs with brecvl.
 */
extern const void *dill__bsock_peek_type;
struct dill__bsock_peek {
    ssize_t (*peek)(struct dill__bsock_peek *vfs, void *buf, size_t len,
        int64_t deadline);
};

/*
 * Optional interface of a bytestream socket, found with
 * dill__hquery(s, dill__bsock_some_type), which answers a shared constant
 * (the socket's storage has no room for one more pointer):
 * dillwasm_brecvsome's work on the socket whose dill_bsock_vfs is `bvfs`.
 * Waits (until the deadline) for at least one byte, then takes up to len
 * bytes (len > 0) into buf.  Returns how many, or -1 with errno as brecvl
 * would (EPIPE at the end of the stream).  A socket without it receives one
 * byte at a time through brecvl.
 */
extern const void *dill__bsock_some_type;
struct dill__bsock_some {
    ssize_t (*recvsome)(struct dill_bsock_vfs *bvfs, void *buf, size_t len,
        int64_t deadline);
};

/* EINVAL unless first..last is a well-formed list (see bsendl(3)) of
   usable buffers (dill__buf_check) whose total fits a ssize_t, EFAULT for
   an item with a NULL base and a length (as the kernel answers natively);
   stores the total length in *total if not NULL.  For send lists. */
int dill__iol_check(struct dill_iolist *first, struct dill_iolist *last,
    size_t *total);
/* The same for a receive list, where an item with a NULL base is a skip
   item: that many bytes are dropped, whatever the length, and only real
   buffers count towards the total. */
int dill__iol_check_recv(struct dill_iolist *first, struct dill_iolist *last);

/* 0, or -1 for a buffer no call can use: EINVAL if longer than SSIZE_MAX,
   EFAULT if reaching past the end of the program's memory (NULL: length
   only). */
int dill__buf_check(const void *buf, size_t len);

#endif
