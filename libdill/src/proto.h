/*
 * Internal: what the protocols layered on another socket share (suffix.c,
 * prefix.c, term.c, http.c): taking over the underlying handle, and the
 * iolist walks their send and receive paths need.
 */
#ifndef DILL_PROTO_H_INCLUDED
#define DILL_PROTO_H_INCLUDED

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../include/libdillimpl.h"
#include "handle.h"
#include "utils.h"

/*
 * The interface `type` (dill_bsock_type or dill_msock_type) of the socket a
 * protocol is attached to: NULL with EBADF for an invalid handle, EPROTO for
 * a handle of another kind.
 */
static inline void *dill__proto_lower(int s, const void *type) {
    void *vfs = dill__hquery(s, type);
    if(dill__slow(!vfs) && errno == ENOTSUP) errno = EPROTO;
    return vfs;
}

/*
 * Gives the protocol object `vfs` a handle and takes over handle s, as
 * hown(s) would: on success s is no longer valid, *u is the new number of
 * s's object (what *_detach hands back) and the protocol's handle is
 * returned.  Both numbers are taken before s is dropped, so a failure
 * (-1, ENOMEM) leaves s exactly as it was, still usable by the caller.
 */
static inline int dill__proto_own(int s, struct dill_hvfs *vfs, int *u) {
    int nu = dill__hmake(dill__hvfs(s));
    if(dill__slow(nu < 0)) return -1;
    int h = dill__hmake(vfs);
    if(dill__slow(h < 0)) {
        dill__hdrop(nu);
        return -1;
    }
    dill__hdrop(s);
    *u = nu;
    return h;
}

/*
 * A failed attach of prefix.c, suffix.c, term.c or http.c: as upstream's,
 * the socket s handed to it is closed (unless s was no handle at all), with
 * errno kept.  Returns -1.
 */
static inline int dill__proto_fail(int s) {
    int err = errno;
    if(dill__hvfs(s)) dill_hclose(s);
    errno = err;
    return -1;
}

/*
 * The end of a *_detach of protocol handle s over socket u, after the
 * terminal handshake gave rc: on failure s is closed with everything under
 * it (the manual: "the socket is closed even in the case of error"), errno
 * kept, and -1 returned; on success s's number is dropped and u returned
 * (the caller then frees the protocol object).
 */
static inline int dill__proto_detached(int s, int rc, int u) {
    if(dill__slow(rc < 0)) {
        int err = errno;
        dill_hclose(s);
        errno = err;
        return -1;
    }
    dill__hdrop(s);
    return u;
}

/* Total length of a send list; -1 with EFAULT if an item has a NULL base
   but a length (only receive lists may skip bytes). */
static inline int dill__proto_sendlen(struct dill_iolist *first, size_t *total) {
    size_t sum = 0;
    for(struct dill_iolist *it = first; it; it = it->iol_next) {
        if(dill__slow(!it->iol_base && it->iol_len)) {errno = EFAULT; return -1;}
        sum += it->iol_len;
    }
    *total = sum;
    return 0;
}

/*
 * Sends pre (a header), the message first..last (its total length `len`)
 * and post (a trailer) with one call of the underlying bytestream.  Small
 * messages are copied into one buffer first: a stream socket sends each
 * item of a list separately, and over TCP a small write followed by another
 * waits for the peer's delayed acknowledgement (Nagle), tens of ms.  Larger
 * messages go as a list, the caller's items between pre and post (linked
 * in for the duration of the call).
 */
#define DILL__PROTO_COALESCE 512
static inline int dill__proto_send(struct dill_bsock_vfs *lower,
      const void *pre, size_t prelen, struct dill_iolist *first,
      struct dill_iolist *last, size_t len, const void *post, size_t postlen,
      int64_t deadline) {
    if(prelen + len + postlen <= DILL__PROTO_COALESCE) {
        char buf[DILL__PROTO_COALESCE];
        char *p = buf;
        if(prelen) memcpy(p, pre, prelen);
        p += prelen;
        for(struct dill_iolist *it = first; it; it = it->iol_next) {
            if(it->iol_len) memcpy(p, it->iol_base, it->iol_len);
            p += it->iol_len;
        }
        if(postlen) memcpy(p, post, postlen);
        p += postlen;
        struct dill_iolist one = {buf, (size_t)(p - buf), NULL, 0};
        return lower->bsendl(lower, &one, &one, deadline);
    }
    struct dill_iolist head = {(void*)pre, prelen, first, 0};
    struct dill_iolist tail = {(void*)post, postlen, NULL, 0};
    last->iol_next = &tail;
    int rc = lower->bsendl(lower, &head, &tail, deadline);
    last->iol_next = NULL;
    return rc;
}

/* Total capacity of a receive list, SIZE_MAX if more (skip items, NULL
   bases, can be of any length). */
static inline size_t dill__proto_recvlen(struct dill_iolist *first) {
    size_t sum = 0;
    for(struct dill_iolist *it = first; it; it = it->iol_next) {
        if(it->iol_len > SIZE_MAX - sum) return SIZE_MAX;
        sum += it->iol_len;
    }
    return sum;
}

#endif
