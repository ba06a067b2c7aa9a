/*
 * PREFIX: message sockets over a bytestream, each message preceded by its
 * size in a header of 1..8 bytes, big- or little-endian.  A header of all
 * 0xff bytes is the terminal handshake (prefix_detach sends one and reads
 * messages until the peer's), so the largest message is one byte less than
 * the header can count: 254 bytes for 1-byte headers, 65534 for 2-byte ones.
 *
 * Sending is one call of the underlying socket (header and payload copied
 * into one buffer for small messages, else a list of the header and the
 * caller's items).  Receiving is two: the header, then exactly the payload
 * into the caller's list; nothing past the message is read, so
 * prefix_detach hands back the socket right after the peer's terminal
 * header.  A message larger than the receive buffer is EMSGSIZE without its
 * payload being read (the peer chose its size, up to 2^64 - 2 bytes): the
 * receiving direction is then unusable.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../include/libdillimpl.h"
#include "cr.h"
#include "handle.h"
#include "proto.h"
#include "utils.h"

static const int dill__prefix_type_placeholder = 0;
static const void *dill__prefix_type = &dill__prefix_type_placeholder;

struct dill__prefix {
    struct dill_hvfs hvfs;
    struct dill_msock_vfs mvfs;
    struct dill_bsock_vfs *lower;   /* the underlying socket's interface */
    int u;                          /* the underlying socket's handle */
    uint8_t hdrlen;
    unsigned little : 1;            /* PREFIX_LITTLE_ENDIAN */
    unsigned sbusy : 1;
    unsigned rbusy : 1;
    unsigned outdone : 1;           /* our terminal header was sent */
    unsigned indone : 1;            /* the peer's terminal header arrived */
    unsigned outerr : 1;            /* a send failed: its position is unknown */
    unsigned inerr : 1;             /* a receive failed part-way */
    unsigned ineof : 1;             /* the peer closed the bytestream */
    unsigned detaching : 1;         /* prefix_detach is running */
    unsigned mem : 1;
    unsigned closed : 1;            /* hclose'd while busy */
};
DILL__STATIC_ASSERT(sizeof(struct dill__prefix) <= sizeof(struct dill_prefix_storage),
    "prefix_storage too small");

static void *dill__prefix_query(struct dill_hvfs *hvfs, const void *type) {
    struct dill__prefix *self = dill__cont(hvfs, struct dill__prefix, hvfs);
    if(type == dill_msock_type) return &self->mvfs;
    if(type == dill__prefix_type) return self;
    errno = ENOTSUP;
    return NULL;
}

static void dill__prefix_free(struct dill__prefix *self) {
    if(!self->mem) free(self);
}

static void dill__prefix_hclose(struct dill_hvfs *hvfs) {
    struct dill__prefix *self = dill__cont(hvfs, struct dill__prefix, hvfs);
    dill_hclose(self->u);
    if(self->sbusy || self->rbusy || self->detaching) {self->closed = 1; return;}
    dill__prefix_free(self);
}

static void dill__prefix_leave(struct dill__prefix *self) {
    if(dill__slow(self->closed) && !self->sbusy && !self->rbusy &&
          !self->detaching)
        dill__prefix_free(self);
}

/* The all-ones header value: the terminal handshake. */
static uint64_t dill__prefix_ones(const struct dill__prefix *self) {
    return self->hdrlen == 8 ? UINT64_MAX : ((uint64_t)1 << (8 * self->hdrlen)) - 1;
}

static void dill__prefix_encode(const struct dill__prefix *self, uint64_t v,
      uint8_t *hdr) {
    for(unsigned i = 0; i < self->hdrlen; i++) {
        hdr[self->little ? i : self->hdrlen - 1 - i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t dill__prefix_decode(const struct dill__prefix *self,
      const uint8_t *hdr) {
    uint64_t v = 0;
    for(unsigned i = 0; i < self->hdrlen; i++)
        v = v << 8 | hdr[self->little ? self->hdrlen - 1 - i : i];
    return v;
}

static int dill__prefix_msendl(struct dill_msock_vfs *mvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__prefix *self = dill__cont(mvfs, struct dill__prefix, mvfs);
    if(dill__slow(self->outdone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->outerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->sbusy)) {errno = EBUSY; return -1;}
    size_t total;
    if(dill__slow(dill__proto_sendlen(first, &total) < 0)) return -1;
    if(dill__slow((uint64_t)total >= dill__prefix_ones(self))) {
        errno = EMSGSIZE;
        return -1;
    }
    uint8_t hdr[8];
    dill__prefix_encode(self, total, hdr);
    self->sbusy = 1;
    int rc = dill__proto_send(self->lower, hdr, self->hdrlen, first, last,
        total, NULL, 0, deadline);
    self->sbusy = 0;
    if(dill__slow(rc < 0)) self->outerr = 1;
    dill__prefix_leave(self);
    return rc;
}

/* Receives the payload of a message of `size` bytes into first..: exactly
   that many bytes, the list being cut short for the duration of the call. */
static int dill__prefix_payload(struct dill__prefix *self,
      struct dill_iolist *first, size_t size, int64_t deadline) {
    if(size == 0) return 0;
    struct dill_iolist skip = {NULL, size, NULL, 0};
    if(!first) return self->lower->brecvl(self->lower, &skip, &skip, deadline);
    struct dill_iolist *end = first;
    size_t before = 0;
    while(before + end->iol_len < size) {
        before += end->iol_len;
        end = end->iol_next;
    }
    size_t len = end->iol_len;
    struct dill_iolist *next = end->iol_next;
    end->iol_len = size - before;
    end->iol_next = NULL;
    int rc = self->lower->brecvl(self->lower, first, end, deadline);
    end->iol_len = len;
    end->iol_next = next;
    return rc;
}

static ssize_t dill__prefix_recv(struct dill__prefix *self,
      struct dill_iolist *first, int64_t deadline) {
    if(dill__slow(self->indone || self->ineof)) {errno = EPIPE; return -1;}
    if(dill__slow(self->inerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->rbusy)) {errno = EBUSY; return -1;}
    self->rbusy = 1;
    ssize_t rc = -1;
    uint8_t hdr[8];
    struct dill_iolist iol = {hdr, self->hdrlen, NULL, 0};
    if(dill__slow(self->lower->brecvl(self->lower, &iol, &iol, deadline) < 0)) {
        if(errno == EPIPE) self->ineof = 1;
        else self->inerr = 1;
        goto out;
    }
    uint64_t size = dill__prefix_decode(self, hdr);
    if(dill__slow(size == dill__prefix_ones(self))) {
        self->indone = 1;
        errno = EPIPE;
        goto out;
    }
    if(dill__slow(size > SSIZE_MAX ||
          (first && size > dill__proto_recvlen(first)))) {
        self->inerr = 1;
        errno = EMSGSIZE;
        goto out;
    }
    if(dill__slow(dill__prefix_payload(self, first, (size_t)size, deadline) < 0)) {
        /* The message was cut short. */
        if(errno == EPIPE) errno = ECONNRESET;
        self->inerr = 1;
        goto out;
    }
    rc = (ssize_t)size;
out:
    self->rbusy = 0;
    dill__prefix_leave(self);
    return rc;
}

static ssize_t dill__prefix_mrecvl(struct dill_msock_vfs *mvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__prefix *self = dill__cont(mvfs, struct dill__prefix, mvfs);
    return dill__prefix_recv(self, first, deadline);
}

int dill_prefix_attach_mem(int s, size_t hdrlen, int flags,
      struct dill_prefix_storage *mem) {
    struct dill_bsock_vfs *lower = dill__proto_lower(s, dill_bsock_type);
    if(dill__slow(!lower)) return -1;
    if(dill__slow(hdrlen < 1 || hdrlen > 8 ||
          (flags != DILL_PREFIX_BIG_ENDIAN && flags != DILL_PREFIX_LITTLE_ENDIAN))) {
        errno = EINVAL;
        return -1;
    }
    struct dill__prefix *self = mem ? (struct dill__prefix*)mem : malloc(sizeof(*self));
    if(dill__slow(!self)) {errno = ENOMEM; return -1;}
    memset(self, 0, sizeof(*self));
    self->hvfs.query = dill__prefix_query;
    self->hvfs.close = dill__prefix_hclose;
    self->mvfs.msendl = dill__prefix_msendl;
    self->mvfs.mrecvl = dill__prefix_mrecvl;
    self->lower = lower;
    self->hdrlen = (uint8_t)hdrlen;
    self->little = flags == DILL_PREFIX_LITTLE_ENDIAN;
    self->mem = !!mem;
    int h = dill__proto_own(s, &self->hvfs, &self->u);
    if(dill__slow(h < 0)) {
        int err = errno;
        dill__prefix_free(self);
        errno = err;
    }
    return h;
}

int dill_prefix_attach(int s, size_t hdrlen, int flags) {
    return dill_prefix_attach_mem(s, hdrlen, flags, NULL);
}

/* The terminal handshake: our all-ones header, then the peer's messages
   are read and dropped until its own.  0, or -1 with errno. */
static int dill__prefix_handshake(struct dill__prefix *self) {
    if(dill__slow(self->sbusy || self->rbusy)) {errno = EBUSY; return -1;}
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    if(dill__slow(self->outerr || self->inerr)) {errno = ECONNRESET; return -1;}
    if(!self->outdone) {
        uint8_t hdr[8];
        dill__prefix_encode(self, dill__prefix_ones(self), hdr);
        struct dill_iolist iol = {hdr, self->hdrlen, NULL, 0};
        if(dill__slow(self->lower->bsendl(self->lower, &iol, &iol, -1) < 0)) return -1;
        self->outdone = 1;
    }
    while(!self->indone) {
        if(dill__prefix_recv(self, NULL, -1) >= 0) continue;
        if(self->indone) break;
        /* The peer went away without its terminal header. */
        if(errno == EPIPE) errno = ECONNRESET;
        return -1;
    }
    return 0;
}

int dill_prefix_detach(int s) {
    struct dill__prefix *self = dill__hquery(s, dill__prefix_type);
    if(dill__slow(!self)) return -1;
    self->detaching = 1;
    int rc = dill__prefix_handshake(self);
    self->detaching = 0;
    if(dill__slow(self->closed)) {
        /* hclose'd by another coroutine meanwhile: the number is gone. */
        dill__prefix_free(self);
        errno = EBADF;
        return -1;
    }
    int u = dill__proto_detached(s, rc, self->u);
    if(u >= 0) dill__prefix_free(self);
    return u;
}
