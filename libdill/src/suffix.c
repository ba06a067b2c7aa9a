/*
 * SUFFIX: message sockets over a bytestream, each message followed by a
 * delimiter of 1..DILL__SUFFIX_MAX bytes ("\r\n" for line protocols).
 *
 * Receiving never reads past the delimiter of the message it returns: the
 * bytestream interface only has all-or-nothing reads, so a read of more bytes
 * than the message has left would block for bytes the peer may never send
 * (and would take the next message's, or a following protocol's, bytes).
 * A socket that can look ahead (dill__bsock_peek_type: IPC and TCP) is
 * looked at up to DILL__SUFFIX_PEEK bytes at a time, and exactly the bytes
 * up to the end of the delimiter are taken.  On any other, each read asks
 * for exactly the bytes that could still complete the delimiter: with k of
 * its n bytes matched so far that is n - k (two bytes a read for "\r\n"),
 * never more than what is left of the message.  Either way suffix_detach
 * hands back the socket positioned right after the last delimiter
 * received, with no bytes read ahead.
 *
 * A message containing the delimiter goes as it is, as upstream's (the
 * peer receives it as more than one message).  There is no terminal
 * handshake on the wire: suffix_detach returns at once.  As upstream's, a
 * direction whose call failed (any error, the peer's end included) is
 * broken: ECONNRESET from then on, and suffix_detach closes the socket.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../include/libdillimpl.h"
#include "busy.h"
#include "bsock.h"
#include "cr.h"
#include "handle.h"
#include "proto.h"
#include "utils.h"

static const int dill__suffix_type_placeholder = 0;
static const void *dill__suffix_type = &dill__suffix_type_placeholder;

#define DILL__SUFFIX_MAX 32
/* Bytes looked at per look-ahead. */
#define DILL__SUFFIX_PEEK 1024

struct dill__suffix {
    struct dill_hvfs hvfs;
    struct dill_msock_vfs mvfs;
    struct dill_bsock_vfs *lower;   /* the underlying socket's interface */
    struct dill__bsock_peek *peek;  /* and its look-ahead, if it has one */
    int u;                          /* the underlying socket's handle */
    unsigned sbusy : 1;             /* a coroutine is sending */
    unsigned rbusy : 1;             /* a coroutine is receiving */
    unsigned outerr : 1;            /* a send failed: its position is unknown */
    unsigned inerr : 1;             /* a receive failed part-way */
    unsigned mem : 1;               /* in user storage: not freed */
    struct dill__busy busy;         /* sends and receives inside */
    uint8_t len;
    uint8_t sfx[DILL__SUFFIX_MAX];
    /* fail[k]: length of the longest proper prefix of sfx[0..k) that is also
       a suffix of it (Knuth-Morris-Pratt): where a partial match of k bytes
       falls back to when the next byte does not continue it. */
    uint8_t fail[DILL__SUFFIX_MAX + 1];
};
DILL__STATIC_ASSERT(sizeof(struct dill__suffix) <= sizeof(struct dill_suffix_storage),
    "suffix_storage too small");

static void *dill__suffix_query(struct dill_hvfs *hvfs, const void *type) {
    struct dill__suffix *self = dill__cont(hvfs, struct dill__suffix, hvfs);
    if(type == dill_msock_type) return &self->mvfs;
    if(type == dill__suffix_type) return self;
    errno = ENOTSUP;
    return NULL;
}

static void dill__suffix_free(struct dill__suffix *self) {
    if(!self->mem) free(self);
}

static void dill__suffix_busyfree(struct dill__busy *busy) {
    dill__suffix_free(dill__cont(busy, struct dill__suffix, busy));
}

static void dill__suffix_hclose(struct dill_hvfs *hvfs) {
    struct dill__suffix *self = dill__cont(hvfs, struct dill__suffix, hvfs);
    /* A coroutine blocked in the underlying socket wakes with EBADF and
       leaves, and the last one out frees the object (busy.h). */
    dill_hclose(self->u);
    dill__busy_close(&self->busy);
}

/* One byte through the matcher in state *k; returns 1 when the delimiter is
   complete.  Bytes that turn out not to be part of the delimiter go to
   emit(ctx, bytes, n) in order (a falling-back partial match releases its
   head, which are delimiter bytes). */
static inline int dill__suffix_step(const struct dill__suffix *self,
      unsigned *k, uint8_t c,
      int (*emit)(void *ctx, const uint8_t *p, size_t n), void *ctx) {
    while(*k > 0 && c != self->sfx[*k]) {
        unsigned f = self->fail[*k];
        if(emit && emit(ctx, self->sfx, *k - f) < 0) return -1;
        *k = f;
    }
    if(c == self->sfx[*k]) return ++*k == self->len;
    if(emit && emit(ctx, &c, 1) < 0) return -1;
    return 0;
}

static int dill__suffix_msendl(struct dill_msock_vfs *mvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__suffix *self = dill__cont(mvfs, struct dill__suffix, mvfs);
    if(dill__slow(self->outerr)) {errno = ECONNRESET; return -1;}
    /* As upstream's, a failed call (EBUSY too) breaks the direction. */
    if(dill__slow(self->sbusy)) {self->outerr = 1; errno = EBUSY; return -1;}
    size_t total;
    if(dill__slow(dill__proto_sendlen(first, &total) < 0)) return -1;
    /* The delimiter inside a message goes as it is (the peer then receives
       it as more than one message), as upstream's. */
    self->sbusy = 1;
    dill__busy_enter(&self->busy);
    int rc = dill__proto_send(self->lower, NULL, 0, first, last, total,
        self->sfx, self->len, deadline);
    self->sbusy = 0;
    if(dill__slow(rc < 0)) self->outerr = 1;
    dill__busy_leave(&self->busy);
    return rc;
}

/* Where received message bytes go: the caller's list (a NULL base skips),
   or nowhere when the message is dropped. */
struct dill__suffix_out {
    struct dill_iolist *it;   /* current item, NULL past the end */
    size_t off;               /* bytes of it already filled */
    size_t size;              /* message bytes so far */
    int drop;
};

static int dill__suffix_emit(void *ctx, const uint8_t *p, size_t n) {
    struct dill__suffix_out *o = ctx;
    if(dill__slow(n > (size_t)SSIZE_MAX - o->size)) {errno = EMSGSIZE; return -1;}
    o->size += n;
    if(o->drop) return 0;
    while(n) {
        if(dill__slow(!o->it)) {errno = EMSGSIZE; return -1;}
        size_t room = o->it->iol_len - o->off;
        size_t k = n < room ? n : room;
        if(o->it->iol_base) memcpy((char*)o->it->iol_base + o->off, p, k);
        p += k;
        n -= k;
        o->off += k;
        if(o->off == o->it->iol_len) {
            o->it = o->it->iol_next;
            o->off = 0;
        }
    }
    return 0;
}

static ssize_t dill__suffix_mrecvl(struct dill_msock_vfs *mvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__suffix *self = dill__cont(mvfs, struct dill__suffix, mvfs);
    /* As upstream's, a failed receive (the end of the stream, EPIPE, too)
       breaks the direction: ECONNRESET from then on. */
    if(dill__slow(self->inerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->rbusy)) {self->inerr = 1; errno = EBUSY; return -1;}
    struct dill__suffix_out o = {first, 0, 0, first == NULL};
    self->rbusy = 1;
    dill__busy_enter(&self->busy);
    ssize_t rc = -1;
    unsigned k = 0;
    if(self->peek) {
        /* Look at what has arrived, then take exactly the bytes up to the
           end of the delimiter (or all of them, and look again). */
        for(;;) {
            uint8_t ahead[DILL__SUFFIX_PEEK];
            ssize_t n = self->peek->peek(self->peek, ahead, sizeof(ahead), deadline);
            if(dill__slow(n < 0)) {
                self->inerr = 1;
                break;
            }
            size_t i = 0;
            int done = 0;
            while(i < (size_t)n && !done)
                done = dill__suffix_step(self, &k, ahead[i++], dill__suffix_emit, &o);
            if(dill__slow(done < 0)) {
                self->inerr = 1;
                break;
            }
            struct dill_iolist take = {NULL, i, NULL, 0};
            if(dill__slow(self->lower->brecvl(self->lower, &take, &take, deadline) < 0)) {
                self->inerr = 1;
                break;
            }
            if(done) {
                rc = o.size;
                break;
            }
        }
        self->rbusy = 0;
        dill__busy_leave(&self->busy);
        return rc;
    }
    uint8_t chunk[DILL__SUFFIX_MAX];
    for(;;) {
        size_t want = self->len - k;
        struct dill_iolist iol = {chunk, want, NULL, 0};
        if(dill__slow(self->lower->brecvl(self->lower, &iol, &iol, deadline) < 0)) {
            self->inerr = 1;
            break;
        }
        int done = 0;
        for(size_t i = 0; i < want; i++) {
            done = dill__suffix_step(self, &k, chunk[i], dill__suffix_emit, &o);
            if(dill__slow(done < 0)) break;
        }
        if(dill__slow(done < 0)) {
            /* Too long: the rest of the message is not read, so the stream
               position is lost. */
            self->inerr = 1;
            break;
        }
        if(done) {
            rc = o.size;
            break;
        }
    }
    self->rbusy = 0;
    dill__busy_leave(&self->busy);
    return rc;
}

int dill_suffix_attach_mem(int s, const void *suffix, size_t suffixlen,
      struct dill_suffix_storage *mem) {
    /* As upstream's, a failed attach closes s. */
    struct dill_bsock_vfs *lower = dill__proto_lower(s, dill_bsock_type);
    if(dill__slow(!lower)) return dill__proto_fail(s);
    if(dill__slow(!suffix || suffixlen == 0 || suffixlen > DILL__SUFFIX_MAX)) {
        errno = EINVAL;
        return dill__proto_fail(s);
    }
    struct dill__suffix *self = mem ? (struct dill__suffix*)mem : malloc(sizeof(*self));
    if(dill__slow(!self)) {errno = ENOMEM; return dill__proto_fail(s);}
    memset(self, 0, sizeof(*self));
    self->hvfs.query = dill__suffix_query;
    self->hvfs.close = dill__suffix_hclose;
    self->mvfs.msendl = dill__suffix_msendl;
    self->mvfs.mrecvl = dill__suffix_mrecvl;
    self->lower = lower;
    self->peek = dill__hquery(s, dill__bsock_peek_type);
    self->mem = !!mem;
    dill__busy_init(&self->busy, dill__suffix_busyfree);
    self->len = (uint8_t)suffixlen;
    memcpy(self->sfx, suffix, suffixlen);
    unsigned f = 0;
    for(unsigned i = 1; i < suffixlen; i++) {
        while(f > 0 && self->sfx[i] != self->sfx[f]) f = self->fail[f];
        if(self->sfx[i] == self->sfx[f]) f++;
        self->fail[i + 1] = f;
    }
    int h = dill__proto_own(s, &self->hvfs, &self->u);
    if(dill__slow(h < 0)) {
        int err = errno;
        dill__suffix_free(self);
        errno = err;
        return dill__proto_fail(s);
    }
    return h;
}

int dill_suffix_attach(int s, const void *suffix, size_t suffixlen) {
    return dill_suffix_attach_mem(s, suffix, suffixlen, NULL);
}

int dill_suffix_detach(int s, int64_t deadline) {
    struct dill__suffix *self = dill__hquery(s, dill__suffix_type);
    if(dill__slow(!self)) return -1;
    /* The underlying socket is handed back only where it is known to be
       positioned at a message boundary; else it is closed, as are sockets
       another coroutine is still using. */
    int err = self->rbusy || self->sbusy ? EBUSY :
        self->inerr || self->outerr ? ECONNRESET : 0;
    if(dill__slow(err)) {
        dill_hclose(s);
        errno = err;
        return -1;
    }
    int u = self->u;
    dill__hdrop(s);
    dill__suffix_free(self);
    return u;
}
