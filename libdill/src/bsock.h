/* Internal: helpers for bytestream sockets. */
#ifndef DILL_BSOCK_H_INCLUDED
#define DILL_BSOCK_H_INCLUDED

#include "../include/libdillimpl.h"

/* EINVAL unless first..last is a well-formed list (see bsendl(3)); stores
   the total length in *total if not NULL. */
int dill__iol_check(struct dill_iolist *first, struct dill_iolist *last,
    size_t *total);

#endif
