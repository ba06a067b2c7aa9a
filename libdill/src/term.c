/*
 * TERM: a terminal handshake for any message socket.  The terminal message
 * given to term_attach is sent by term_done (after which sending is EPIPE);
 * receiving it makes mrecv EPIPE.  term_detach sends it if term_done was
 * not called, reads and drops the peer's messages up to its terminal
 * message, and hands the message socket back: both peers then agree on
 * where the stream stands.
 *
 * A message equal to the terminal message goes as it is, as upstream's (the
 * peer takes it for the end).  The underlying socket reporting the end
 * of the connection (EPIPE) without the terminal message is ECONNRESET, so
 * that EPIPE always means a clean termination.
 *
 * To recognise the terminal message whatever list mrecvl is given, the
 * first `len` bytes of each message land in memory we can read: a receive
 * list too short gets a scratch item appended, an item with a NULL base
 * (bytes to skip) among the first `len` bytes is pointed at the scratch
 * buffer for the call (split in two if it reaches past them).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../include/libdillimpl.h"
#include "busy.h"
#include "cr.h"
#include "drain.h"
#include "handle.h"
#include "proto.h"
#include "utils.h"

static const int dill__term_type_placeholder = 0;
static const void *dill__term_type = &dill__term_type_placeholder;

/* Terminal messages up to half of this are kept inside the object. */
#define DILL__TERM_INLINE 48

struct dill__term {
    struct dill_hvfs hvfs;
    struct dill_msock_vfs mvfs;
    struct dill_msock_vfs *lower;   /* the underlying socket's interface */
    int u;                          /* the underlying socket's handle */
    unsigned outdone : 1;           /* our terminal message was sent */
    unsigned indone : 1;            /* the peer's terminal message arrived */
    unsigned rbusy : 1;
    unsigned sbusy : 1;
    unsigned mem : 1;
    unsigned ownbuf : 1;            /* buf was malloc'd apart from the object */
    struct dill__busy busy;         /* sends, receives and term_detach inside */
    size_t len;
    /* The terminal message, then as many bytes of scratch space. */
    uint8_t *buf;
    uint8_t inl[DILL__TERM_INLINE];
};
DILL__STATIC_ASSERT(sizeof(struct dill__term) <= sizeof(struct dill_term_storage),
    "term_storage too small");

static void *dill__term_query(struct dill_hvfs *hvfs, const void *type) {
    struct dill__term *self = dill__cont(hvfs, struct dill__term, hvfs);
    if(type == dill_msock_type) return &self->mvfs;
    if(type == dill__term_type) return self;
    errno = ENOTSUP;
    return NULL;
}

static void dill__term_free(struct dill__term *self) {
    if(self->ownbuf) free(self->buf);
    if(!self->mem) free(self);
}

static void dill__term_busyfree(struct dill__busy *busy) {
    dill__term_free(dill__cont(busy, struct dill__term, busy));
}

static void dill__term_hclose(struct dill_hvfs *hvfs) {
    struct dill__term *self = dill__cont(hvfs, struct dill__term, hvfs);
    dill_hclose(self->u);
    dill__busy_close(&self->busy);
}

/* 1 if the message first.. of `total` bytes is the terminal message. */
static int dill__term_is_terminal(const struct dill__term *self,
      struct dill_iolist *first, size_t total) {
    if(total != self->len) return 0;
    size_t off = 0;
    for(struct dill_iolist *it = first; it && off < self->len; it = it->iol_next) {
        size_t k = it->iol_len < self->len - off ? it->iol_len : self->len - off;
        if(k && memcmp(it->iol_base, self->buf + off, k) != 0) return 0;
        off += k;
    }
    return 1;
}

static int dill__term_msendl(struct dill_msock_vfs *mvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__term *self = dill__cont(mvfs, struct dill__term, mvfs);
    if(dill__slow(self->outdone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->sbusy)) {errno = EBUSY; return -1;}
    size_t total;
    if(dill__slow(dill__proto_sendlen(first, &total) < 0)) return -1;
    /* A message equal to the terminal one goes as it is (the peer takes it
       for the end), as upstream's. */
    self->sbusy = 1;
    dill__busy_enter(&self->busy);
    int rc = self->lower->msendl(self->lower, first, last, deadline);
    self->sbusy = 0;
    if(dill__slow(dill__busy_leave(&self->busy))) {errno = EBADF; return -1;}
    return rc;
}

static ssize_t dill__term_recv(struct dill__term *self,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    if(dill__slow(self->indone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->rbusy)) {errno = EBUSY; return -1;}
    size_t len = self->len;
    uint8_t *scratch = self->buf + len;   /* scratch[i]: the message's byte i */
    /* Dropping: the first len bytes to scratch, the rest skipped. */
    struct dill_iolist skip = {NULL, SIZE_MAX - len, NULL, 0};
    struct dill_iolist head = {scratch, len, &skip, 0};
    if(!first) {
        first = &head;
        last = &skip;
    }
    struct dill_iolist *it, *split = NULL;
    struct dill_iolist rest = {NULL, 0, NULL, 0};
    size_t cap = 0;   /* the list's capacity */
    for(it = first; it; it = it->iol_next) {
        if(!it->iol_base && it->iol_len && cap < len) {
            it->iol_base = scratch + cap;
            if(it->iol_len > len - cap) {
                split = it;
                rest.iol_len = it->iol_len - (len - cap);
                rest.iol_next = it->iol_next;
                it->iol_len = len - cap;
                it->iol_next = &rest;
                if(it == last) last = &rest;
            }
        }
        /* Skip items can be of any length (SIZE_MAX): saturated. */
        cap = it->iol_len > SIZE_MAX - cap ? SIZE_MAX : cap + it->iol_len;
    }
    struct dill_iolist tail = {scratch + cap, len - cap, NULL, 0};
    if(cap < len) last->iol_next = &tail;
    self->rbusy = 1;
    dill__busy_enter(&self->busy);
    ssize_t n = self->lower->mrecvl(self->lower, first, cap < len ? &tail : last,
        deadline);
    self->rbusy = 0;
    int terminal = n >= 0 && dill__term_is_terminal(self, first, (size_t)n);
    /* The caller's list as it was: only items that were NULL point into
       scratch. */
    if(cap < len) last->iol_next = NULL;
    if(split) {
        split->iol_len += rest.iol_len;
        split->iol_next = rest.iol_next;
    }
    size_t off = 0;
    for(it = first; it != &head && it && off < len; it = it->iol_next) {
        uint8_t *b = it->iol_base;
        if(b >= scratch && b < scratch + len) it->iol_base = NULL;
        off += it->iol_len;
    }
    if(dill__slow(dill__busy_leave(&self->busy))) {errno = EBADF; return -1;}
    if(dill__slow(n < 0)) {
        if(errno == EPIPE) errno = ECONNRESET;
        return -1;
    }
    if(terminal) {
        self->indone = 1;
        errno = EPIPE;
        return -1;
    }
    if(dill__slow((size_t)n > cap)) {errno = EMSGSIZE; return -1;}
    return n;
}

static ssize_t dill__term_mrecvl(struct dill_msock_vfs *mvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__term *self = dill__cont(mvfs, struct dill__term, mvfs);
    return dill__term_recv(self, first, last, deadline);
}

int dill_term_attach_mem(int s, const void *buf, size_t len,
      struct dill_term_storage *mem) {
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    /* As upstream's, a failed attach closes s. */
    struct dill_msock_vfs *lower = dill__proto_lower(s, dill_msock_type);
    if(dill__slow(!lower)) return dill__proto_fail(s);
    if(dill__slow((!buf && len) || len > (SIZE_MAX - sizeof(struct dill__term)) / 2)) {
        errno = EINVAL;
        return dill__proto_fail(s);
    }
    /* Room for the message and as much scratch: in the object if it fits,
       after the object if we allocate it, else apart. */
    int fits = 2 * len <= DILL__TERM_INLINE;
    struct dill__term *self = (struct dill__term*)mem;
    if(!mem) self = malloc(sizeof(*self) + (fits ? 0 : 2 * len));
    if(dill__slow(!self)) {errno = ENOMEM; return dill__proto_fail(s);}
    memset(self, 0, sizeof(*self));
    self->mem = !!mem;
    dill__busy_init(&self->busy, dill__term_busyfree);
    if(fits) self->buf = self->inl;
    else if(!mem) self->buf = (uint8_t*)(self + 1);
    else {
        self->buf = malloc(2 * len);
        if(dill__slow(!self->buf)) {errno = ENOMEM; return dill__proto_fail(s);}
        self->ownbuf = 1;
    }
    if(len) memcpy(self->buf, buf, len);
    self->len = len;
    self->hvfs.query = dill__term_query;
    self->hvfs.close = dill__term_hclose;
    self->mvfs.msendl = dill__term_msendl;
    self->mvfs.mrecvl = dill__term_mrecvl;
    self->lower = lower;
    int h = dill__proto_own(s, &self->hvfs, &self->u);
    if(dill__slow(h < 0)) {
        int err = errno;
        dill__term_free(self);
        errno = err;
        return dill__proto_fail(s);
    }
    return h;
}

int dill_term_attach(int s, const void *buf, size_t len) {
    return dill_term_attach_mem(s, buf, len, NULL);
}

/* Sends the terminal message. */
static int dill__term_done(struct dill__term *self, int64_t deadline) {
    if(dill__slow(self->outdone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->sbusy)) {errno = EBUSY; return -1;}
    struct dill_iolist iol = {self->buf, self->len, NULL, 0};
    self->sbusy = 1;
    dill__busy_enter(&self->busy);
    int rc = self->lower->msendl(self->lower, &iol, &iol, deadline);
    self->sbusy = 0;
    if(dill__slow(dill__busy_leave(&self->busy))) {errno = EBADF; return -1;}
    if(rc == 0) self->outdone = 1;
    return rc;
}

int dill_term_done(int s, int64_t deadline) {
    struct dill__term *self = dill__hquery(s, dill__term_type);
    if(dill__slow(!self)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    return dill__term_done(self, deadline);
}

/* The terminal handshake: ours sent, the peer's messages dropped up to its
   terminal message. */
static int dill__term_handshake(struct dill__term *self, int64_t deadline) {
    if(dill__slow(self->sbusy || self->rbusy)) {errno = EBUSY; return -1;}
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    if(!self->outdone && dill__term_done(self, deadline) < 0) return -1;
    struct dill__drain d;
    dill__drain_start(&d, deadline);
    while(!self->indone) {
        ssize_t n = dill__term_recv(self, NULL, NULL, deadline);
        if(n >= 0) {
            /* Others run meanwhile: receiving stays busy for them. */
            self->rbusy = 1;
            int rc = dill__drain_step(&d, (size_t)n);
            self->rbusy = 0;
            if(dill__slow(dill__busy_closed(&self->busy))) {errno = EBADF; return -1;}
            if(rc < 0) return -1;
            continue;
        }
        if(!self->indone) return -1;
    }
    return 0;
}

int dill_term_detach(int s, int64_t deadline) {
    struct dill__term *self = dill__hquery(s, dill__term_type);
    if(dill__slow(!self)) return -1;
    dill__busy_enter(&self->busy);
    int rc = dill__term_handshake(self, deadline);
    if(dill__slow(dill__busy_leave(&self->busy))) {
        /* hclose'd by another coroutine meanwhile: the number is gone. */
        errno = EBADF;
        return -1;
    }
    int u = dill__proto_detached(s, rc, self->u);
    if(u >= 0) dill__term_free(self);
    return u;
}
