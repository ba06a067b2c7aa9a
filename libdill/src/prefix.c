/*
 * PREFIX: message sockets over a bytestream, each message preceded by its
 * size in a header of 1..8 bytes, big- or little-endian: libdill's wire
 * format, with no terminal handshake on the wire (an all-0xff header is a
 * size like any other), so prefix_detach sends and reads nothing.
 *
 * Sending is one call of the underlying socket (header and payload copied
 * into one buffer for small messages, else a list of the header and the
 * caller's items).  Receiving is two: the header, then exactly the payload
 * into the caller's list; nothing past the message is read, so
 * prefix_detach hands back the socket right after the last message
 * received.  A message larger than the receive list is EMSGSIZE without its
 * payload being read (the peer chose its size, up to 2^64 - 1 bytes).
 *
 * As upstream's, a direction whose call failed (whatever the error: the
 * socket below, a timeout, cancellation, EBUSY, the peer's end) is broken
 * for good: later calls there are ECONNRESET, and prefix_detach closes the
 * socket and fails with ECONNRESET, its position in the stream unknown.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../include/libdillimpl.h"
#include "busy.h"
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
    unsigned outerr : 1;            /* a send failed: sending is broken */
    unsigned inerr : 1;             /* a receive failed: receiving is broken */
    unsigned mem : 1;
    struct dill__busy busy;         /* sends and receives inside */
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

static void dill__prefix_busyfree(struct dill__busy *busy) {
    dill__prefix_free(dill__cont(busy, struct dill__prefix, busy));
}

static void dill__prefix_hclose(struct dill_hvfs *hvfs) {
    struct dill__prefix *self = dill__cont(hvfs, struct dill__prefix, hvfs);
    dill_hclose(self->u);
    dill__busy_close(&self->busy);
}

/* The largest size a header can carry. */
static uint64_t dill__prefix_max(const struct dill__prefix *self) {
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
    if(dill__slow(self->outerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->sbusy)) {self->outerr = 1; errno = EBUSY; return -1;}
    size_t total;
    if(dill__slow(dill__proto_sendlen(first, &total) < 0)) return -1;
    /* Upstream sends the size cut to the header's width (the peer then
       reads garbage); refused here, nothing sent. */
    if(dill__slow((uint64_t)total > dill__prefix_max(self))) {
        errno = EMSGSIZE;
        return -1;
    }
    uint8_t hdr[8];
    dill__prefix_encode(self, total, hdr);
    self->sbusy = 1;
    dill__busy_enter(&self->busy);
    int rc = dill__proto_send(self->lower, hdr, self->hdrlen, first, last,
        total, NULL, 0, deadline);
    self->sbusy = 0;
    if(dill__slow(rc < 0)) self->outerr = 1;
    dill__busy_leave(&self->busy);
    return rc;
}

/* Receives the payload of a message of `size` bytes into first.. (NULL:
   dropped): exactly that many bytes, the list being cut short for the
   duration of the call. */
static int dill__prefix_payload(struct dill__prefix *self,
      struct dill_iolist *first, size_t size, int64_t deadline) {
    /* Even an empty payload is one call below, as upstream's. */
    struct dill_iolist skip = {NULL, size, NULL, 0};
    if(!first) return self->lower->brecvl(self->lower, &skip, &skip, deadline);
    struct dill_iolist *end = first;
    size_t before = 0;
    while(end->iol_len < size - before) {
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
    if(dill__slow(self->inerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->rbusy)) {self->inerr = 1; errno = EBUSY; return -1;}
    self->rbusy = 1;
    dill__busy_enter(&self->busy);
    ssize_t rc = -1;
    uint8_t hdr[8];
    struct dill_iolist iol = {hdr, self->hdrlen, NULL, 0};
    if(dill__slow(self->lower->brecvl(self->lower, &iol, &iol, deadline) < 0))
        goto out;
    uint64_t size = dill__prefix_decode(self, hdr);
    if(dill__slow(size > SSIZE_MAX ||
          (first && size > dill__proto_recvlen(first)))) {
        errno = EMSGSIZE;
        goto out;
    }
    /* The peer closing inside the message is EPIPE, as upstream's. */
    if(dill__slow(dill__prefix_payload(self, first, (size_t)size, deadline) < 0))
        goto out;
    rc = (ssize_t)size;
out:
    if(dill__slow(rc < 0)) self->inerr = 1;
    self->rbusy = 0;
    dill__busy_leave(&self->busy);
    return rc;
}

static ssize_t dill__prefix_mrecvl(struct dill_msock_vfs *mvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__prefix *self = dill__cont(mvfs, struct dill__prefix, mvfs);
    return dill__prefix_recv(self, first, deadline);
}

int dill_prefix_attach_mem(int s, size_t hdrlen, int flags,
      struct dill_prefix_storage *mem) {
    /* As upstream's, a failed attach closes s. */
    struct dill_bsock_vfs *lower = dill__proto_lower(s, dill_bsock_type);
    if(dill__slow(!lower)) return dill__proto_fail(s);
    /* Upstream takes any hdrlen above 0 (zeros beyond the 8 bytes of a
       size); ours stops at 8.  Flags other than PREFIX_LITTLE_ENDIAN's bit
       are ignored, as upstream's. */
    if(dill__slow(hdrlen < 1 || hdrlen > 8)) {
        errno = EINVAL;
        return dill__proto_fail(s);
    }
    struct dill__prefix *self = mem ? (struct dill__prefix*)mem : malloc(sizeof(*self));
    if(dill__slow(!self)) {errno = ENOMEM; return dill__proto_fail(s);}
    memset(self, 0, sizeof(*self));
    self->hvfs.query = dill__prefix_query;
    self->hvfs.close = dill__prefix_hclose;
    self->mvfs.msendl = dill__prefix_msendl;
    self->mvfs.mrecvl = dill__prefix_mrecvl;
    self->lower = lower;
    self->hdrlen = (uint8_t)hdrlen;
    self->little = !!(flags & DILL_PREFIX_LITTLE_ENDIAN);
    self->mem = !!mem;
    dill__busy_init(&self->busy, dill__prefix_busyfree);
    int h = dill__proto_own(s, &self->hvfs, &self->u);
    if(dill__slow(h < 0)) {
        int err = errno;
        dill__prefix_free(self);
        errno = err;
        return dill__proto_fail(s);
    }
    return h;
}

int dill_prefix_attach(int s, size_t hdrlen, int flags) {
    return dill_prefix_attach_mem(s, hdrlen, flags, NULL);
}

/* Nothing is sent or read: the socket is handed back where the last message
   sent and the last one received ended. */
int dill_prefix_detach(int s) {
    struct dill__prefix *self = dill__hquery(s, dill__prefix_type);
    if(dill__slow(!self)) return -1;
    /* Upstream hands the socket back under a call still running on it (and
       that call then works on freed memory); ours refuses, EBUSY. */
    int rc = 0;
    if(dill__slow(self->sbusy || self->rbusy)) {errno = EBUSY; rc = -1;}
    else if(dill__slow(self->outerr || self->inerr)) {errno = ECONNRESET; rc = -1;}
    int u = dill__proto_detached(s, rc, self->u);
    if(u >= 0) dill__prefix_free(self);
    return u;
}
