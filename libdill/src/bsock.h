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

/* EINVAL unless first..last is a well-formed list (see bsendl(3)); stores
   the total length in *total if not NULL. */
int dill__iol_check(struct dill_iolist *first, struct dill_iolist *last,
    size_t *total);

#endif
