/*
 * TLS over any bytestream socket (TCP, IPC, ipc_pair, a protocol stacked on
 * them): a bytestream protocol whose cryptography is the platform's TLS
 * engine (platform/platform.h: Node's tls module).  The engine is a
 * descriptor; this file pumps it: ciphertext it wants sent goes down with
 * the lower socket's bsendl, ciphertext from the peer comes up with its
 * brecvl, one TLS record at a time (the 5-byte header, then the length it
 * announces, and no more), so that nothing past the
 * peer's close_notify is ever read and tls_detach hands the socket back
 * where the TLS stream ended.  When the engine has nothing for us, we
 * wait with fdin/fdout on its descriptor.
 *
 * Certificates: the server's come from PEM files (tls_attach_server).  The
 * client checks the server's only when DILL_TLS_CA names a CA bundle (a PEM
 * file, or "system"), and its name only when DILL_TLS_HOST gives one; both
 * are read from the C environment (setenv), then from the process's.  The
 * API has no other place for them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../include/libdillimpl.h"
#include "bsock.h"
#include "busy.h"
#include "cr.h"
#include "drain.h"
#include "handle.h"
#include "platform/platform.h"
#include "proto.h"
#include "utils.h"

/* A record: a 5-byte header (type, version, length) and at most 2^14
   bytes of data plus what protection adds (RFC 5246 6.2.3 allows 2048). */
#define DILL__TLS_HDR 5
#define DILL__TLS_MAXREC (16384 + 2048)
#define DILL__TLS_RXBUF (DILL__TLS_HDR + DILL__TLS_MAXREC)
/* Ciphertext goes down in pieces of up to this: the records of a 64 KiB
   write (four, with their headers and tags) in one write of the socket
   below. */
#define DILL__TLS_TXBUF (68 * 1024)

static const int dill__tls_type_placeholder = 0;
static const void *dill__tls_type = &dill__tls_type_placeholder;

struct dill__tls {
    struct dill_hvfs hvfs;
    struct dill_bsock_vfs bvfs;
    struct dill_bsock_vfs *lower;   /* the underlying socket's interface */
    int u;                          /* the underlying socket's handle */
    int fd;                         /* the engine's descriptor */
    uint8_t *buf;                   /* a record received, then what to send */
    struct dill__busy busy;         /* coroutines inside a call */
    unsigned mem : 1;
    unsigned sbusy : 1;             /* a bsendl or tls_done is running */
    unsigned rbusy : 1;             /* a brecvl is running */
    unsigned txlock : 1;            /* somebody writes to the socket below */
    unsigned outdone : 1;           /* our close_notify is under way */
    unsigned outerr : 1;            /* a send failed */
    unsigned indone : 1;            /* the peer's close_notify arrived */
    unsigned inerr : 1;             /* a receive failed */
};
DILL__STATIC_ASSERT(sizeof(struct dill__tls) <= sizeof(struct dill_tls_storage),
    "tls_storage too small");

static void dill__tls_free(struct dill__tls *self) {
    free(self->buf);
    if(!self->mem) free(self);
}

static void dill__tls_busyfree(struct dill__busy *busy) {
    dill__tls_free(dill__cont(busy, struct dill__tls, busy));
}

/* Closes the engine; coroutines waiting for it wake with EBADF. */
static void dill__tls_engine_close(struct dill__tls *self) {
    if(self->fd < 0) return;
    dill_fdclean(self->fd);
    close(self->fd);
    self->fd = -1;
}

static ssize_t dill__tls_recvsome(struct dill_bsock_vfs *bvfs, void *buf,
    size_t len, int64_t deadline);
static const struct dill__bsock_some dill__tls_some = {dill__tls_recvsome};

static void *dill__tls_query(struct dill_hvfs *hvfs, const void *type) {
    struct dill__tls *self = dill__cont(hvfs, struct dill__tls, hvfs);
    if(type == dill_bsock_type) return &self->bvfs;
    if(type == dill__bsock_some_type) return (void*)&dill__tls_some;
    if(type == dill__tls_type) return self;
    errno = ENOTSUP;
    return NULL;
}

static void dill__tls_hclose(struct dill_hvfs *hvfs) {
    struct dill__tls *self = dill__cont(hvfs, struct dill__tls, hvfs);
    /* Coroutines blocked below or in the engine wake up with an error, see
       the object closed and leave; the last one frees it. */
    dill_hclose(self->u);
    dill__tls_engine_close(self);
    dill__busy_close(&self->busy);
}

/* Waits for the engine in direction `dir`.  With `settle`, the wait also
   ends after one turn of Node's event loop (see tls.js). */
static int dill__tls_wait(struct dill__tls *self, int dir, int settle,
      int64_t deadline) {
    dill__js_tls_arm(self->fd, dir, settle);
    int rc = dir == DILL__TLS_IN ? dill_fdin(self->fd, deadline) :
        dill_fdout(self->fd, deadline);
    if(dill__slow(dill__busy_closed(&self->busy))) {errno = EBADF; return -1;}
    return rc;
}

static int dill__tls_state(struct dill__tls *self) {
    int st = dill__js_tls_state(self->fd);
    return st < 0 ? DILL__TLS_ERROR : st;
}

/* Sends the ciphertext the engine has queued.  The caller holds txlock. */
static int dill__tls_flush(struct dill__tls *self, int64_t deadline) {
    uint8_t *tx = self->buf + DILL__TLS_RXBUF;
    for(;;) {
        int n = dill__js_tls_take(self->fd, tx, DILL__TLS_TXBUF);
        if(n <= 0) return 0;
        struct dill_iolist iol = {tx, (size_t)n, NULL, 0};
        int rc = self->lower->bsendl(self->lower, &iol, &iol, deadline);
        if(dill__slow(dill__busy_closed(&self->busy))) {errno = EBADF; return -1;}
        if(dill__slow(rc < 0)) {
            self->outerr = 1;
            if(errno == EPIPE) errno = ECONNRESET;
            return -1;
        }
    }
}

/* flush under txlock; a sender waiting for the lock is woken after. */
static int dill__tls_flush_locked(struct dill__tls *self, int64_t deadline) {
    self->txlock = 1;
    int rc = dill__tls_flush(self, deadline);
    self->txlock = 0;
    if(!dill__busy_closed(&self->busy)) dill__js_tls_poke(self->fd, DILL__TLS_TX);
    return rc;
}

/*
 * Reads one record from the socket below and feeds it to the engine.  A
 * header that cannot start a TLS record (the peer does not speak TLS) is
 * EPROTO; the stream ending without the peer's close_notify is
 * ECONNRESET, so that EPIPE always means a clean end.
 */
static int dill__tls_record(struct dill__tls *self, int64_t deadline) {
    uint8_t *r = self->buf;
    struct dill_iolist iol = {r, DILL__TLS_HDR, NULL, 0};
    int rc = self->lower->brecvl(self->lower, &iol, &iol, deadline);
    if(dill__slow(dill__busy_closed(&self->busy))) {errno = EBADF; return -1;}
    if(dill__slow(rc < 0)) {
        if(errno == EPIPE) errno = ECONNRESET;
        return -1;
    }
    size_t len = (size_t)r[3] << 8 | r[4];
    /* Content types 20-24 (RFC 8446 B.1), version 3.x. */
    if(dill__slow(r[0] < 20 || r[0] > 24 || r[1] != 3 || r[2] > 4 ||
          len > DILL__TLS_MAXREC)) {
        errno = EPROTO;
        return -1;
    }
    if(len) {
        iol.iol_base = r + DILL__TLS_HDR;
        iol.iol_len = len;
        rc = self->lower->brecvl(self->lower, &iol, &iol, deadline);
        if(dill__slow(dill__busy_closed(&self->busy))) {errno = EBADF; return -1;}
        if(dill__slow(rc < 0)) {
            if(errno == EPIPE) errno = ECONNRESET;
            return -1;
        }
    }
    dill__js_tls_feed(self->fd, r, DILL__TLS_HDR + len);
    return 0;
}

/* Reads and feeds one record; if it showed nothing among `seen`, lets the
   engine's deferred work run before the caller decides what is next
   (unless it has none: most records of a handshake show nothing). */
static int dill__tls_pump(struct dill__tls *self, int seen, int64_t deadline) {
    if(dill__slow(dill__tls_record(self, deadline) < 0)) return -1;
    if(dill__tls_state(self) & seen) return 0;
    if(dill__js_tls_quiet(self->fd)) return 0;
    return dill__tls_wait(self, DILL__TLS_IN, 1, deadline);
}

/* The opening handshake, by the attaching coroutine alone. */
static int dill__tls_handshake(struct dill__tls *self, int server,
      int64_t deadline) {
    for(;;) {
        int st = dill__tls_state(self);
        if(dill__slow(st & DILL__TLS_ERROR)) {
            errno = dill__js_tls_error(self->fd);
            return -1;
        }
        if(st & DILL__TLS_OUT) {
            if(dill__slow(dill__tls_flush(self, deadline) < 0)) {
                /* What a server sends once the handshake is done (TLS 1.3
                   session tickets) is not part of it: a client that
                   closed meanwhile has a server whose sending is broken
                   (flush marked it), not a failed handshake, as OpenSSL
                   has it. */
                if(server && (st & DILL__TLS_SECURE) && errno == ECONNRESET)
                    return 0;
                return -1;
            }
            continue;
        }
        if(st & DILL__TLS_SECURE) return 0;
        if(dill__slow(dill__tls_pump(self,
              DILL__TLS_OUT | DILL__TLS_SECURE | DILL__TLS_ERROR, deadline) < 0))
            return -1;
    }
}

/*
 * Sends what the engine produces until the plaintext written is taken in
 * (or, with `final`, until our close_notify has been produced) and all of
 * it has gone down.
 */
static int dill__tls_push(struct dill__tls *self, int final, int64_t deadline) {
    for(;;) {
        int st = dill__tls_state(self);
        if(dill__slow(st & DILL__TLS_ERROR)) {errno = ECONNRESET; return -1;}
        if(st & DILL__TLS_OUT) {
            /* The receiving coroutine may be sending an answer of the
               engine's: wait for it to finish. */
            if(dill__slow(self->txlock)) {
                if(dill__tls_wait(self, DILL__TLS_TX, 0, deadline) < 0) return -1;
                continue;
            }
            if(dill__slow(dill__tls_flush_locked(self, deadline) < 0)) return -1;
            continue;
        }
        if(final ? (st & DILL__TLS_FINAL) : !(st & DILL__TLS_WRITING)) return 0;
        if(dill__tls_wait(self, DILL__TLS_TX, 0, deadline) < 0) return -1;
    }
}

static int dill__tls_bsendl(struct dill_bsock_vfs *bvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__tls *self = dill__cont(bvfs, struct dill__tls, bvfs);
    if(dill__slow(self->outdone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->outerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->sbusy)) {errno = EBUSY; return -1;}
    size_t total;
    if(dill__slow(dill__proto_sendlen(first, &total) < 0)) return -1;
    if(total == 0) return 0;
    self->sbusy = 1;
    dill__busy_enter(&self->busy);
    int rc = 0;
    for(struct dill_iolist *it = first; it && rc == 0; it = it->iol_next) {
        int e = dill__js_tls_write(self->fd, it->iol_base, it->iol_len,
            it->iol_next == NULL);
        if(dill__slow(e < 0)) {errno = -e; rc = -1;}
    }
    if(rc == 0) rc = dill__tls_push(self, 0, deadline);
    self->sbusy = 0;
    /* A send cut short leaves the peer's stream in an unknown state. */
    if(dill__slow(rc < 0)) self->outerr = 1;
    dill__busy_leave(&self->busy);
    return rc;
}

/*
 * Fills first.. with plaintext (NULL bases drop it), reading records as
 * needed.  EPIPE once the peer's close_notify has come and its data is
 * used up.
 */
static ssize_t dill__tls_recv(struct dill__tls *self, struct dill_iolist *first,
      int some, int64_t deadline) {
    struct dill_iolist *it = first;
    size_t off = 0;
    for(;;) {
        while(it) {
            if(off < it->iol_len) {
                int n = dill__js_tls_read(self->fd,
                    it->iol_base ? (char*)it->iol_base + off : NULL,
                    it->iol_len - off);
                if(dill__slow(n < 0)) {errno = -n; return -1;}
                off += (size_t)n;
                /* dillwasm_brecvsome: what the engine had, if anything. */
                if(some && off > 0) return (ssize_t)off;
                if(off < it->iol_len) break;
            }
            it = it->iol_next;
            off = 0;
        }
        if(!it) return 0;
        int st = dill__tls_state(self);
        if(st & DILL__TLS_ENDED) {errno = EPIPE; return -1;}
        if(dill__slow(st & DILL__TLS_ERROR)) {errno = ECONNRESET; return -1;}
        /* An answer of the engine's (a TLS 1.3 KeyUpdate): sent from here
           unless a sender is about, which sends it with its own data. */
        if(dill__slow((st & DILL__TLS_OUT) && !self->sbusy && !self->txlock &&
              !self->outerr)) {
            if(dill__tls_flush_locked(self, deadline) < 0) return -1;
        }
        if(dill__slow(dill__tls_pump(self,
              DILL__TLS_PLAIN | DILL__TLS_ENDED | DILL__TLS_ERROR, deadline) < 0)) {
            /* Garbage where a record should be is fatal to the connection,
               as a record the engine refuses is (RFC 8446 5: alerts). */
            if(errno == EPROTO) {
                self->outerr = 1;
                errno = ECONNRESET;
            }
            return -1;
        }
    }
}

/* brecvl (some 0) and dillwasm_brecvsome (some 1, a one-item list): a
   failure that is not the end of the stream makes receiving unusable (a
   record may have been read in part). */
static ssize_t dill__tls_receive(struct dill__tls *self,
      struct dill_iolist *first, int some, int64_t deadline) {
    if(dill__slow(self->indone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->inerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->rbusy)) {errno = EBUSY; return -1;}
    self->rbusy = 1;
    dill__busy_enter(&self->busy);
    ssize_t rc = dill__tls_recv(self, first, some, deadline);
    self->rbusy = 0;
    if(dill__slow(rc < 0)) {
        if(errno == EPIPE) self->indone = 1;
        else self->inerr = 1;
    }
    dill__busy_leave(&self->busy);
    return rc;
}

static int dill__tls_brecvl(struct dill_bsock_vfs *bvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__tls *self = dill__cont(bvfs, struct dill__tls, bvfs);
    return dill__tls_receive(self, first, 0, deadline) < 0 ? -1 : 0;
}

static ssize_t dill__tls_recvsome(struct dill_bsock_vfs *bvfs, void *buf,
      size_t len, int64_t deadline) {
    struct dill__tls *self = dill__cont(bvfs, struct dill__tls, bvfs);
    struct dill_iolist iol = {buf, len, NULL, 0};
    return dill__tls_receive(self, &iol, 1, deadline);
}

/* Fails an attach to socket s: as upstream, the socket is closed (EBADF:
   there is none), errno kept. */
static int dill__tls_fail(int s, int err) {
    if(err != EBADF) dill_hclose(s);
    errno = err;
    return -1;
}

/* Every failure closes the socket, as upstream does (the attach owns it
   from the start). */
static int dill__tls_attach(int s, int server, const char *cert,
      const char *key, struct dill__tls *mem, int64_t deadline) {
    struct dill_bsock_vfs *lower = dill__proto_lower(s, dill_bsock_type);
    if(dill__slow(!lower)) return dill__tls_fail(s, errno);
    /* Certificate or key missing: EFAULT, upstream's errno for any problem
       with them. */
    if(dill__slow(server && (!cert || !key))) return dill__tls_fail(s, EFAULT);
    if(dill__slow(dill__cr_canceled())) return dill__tls_fail(s, ECANCELED);
    struct dill__tls *self = mem ? mem : malloc(sizeof(struct dill__tls));
    if(dill__slow(!self)) return dill__tls_fail(s, ENOMEM);
    memset(self, 0, sizeof(*self));
    self->mem = !!mem;
    dill__busy_init(&self->busy, dill__tls_busyfree);
    self->fd = -1;
    self->buf = malloc(DILL__TLS_RXBUF + DILL__TLS_TXBUF);
    if(dill__slow(!self->buf)) {
        dill__tls_free(self);
        return dill__tls_fail(s, ENOMEM);
    }
    self->fd = dill__js_tls_open(server, cert, key, getenv("DILL_TLS_CA"),
        getenv("DILL_TLS_HOST"));
    if(dill__slow(self->fd < 0)) {
        int err = -self->fd;
        dill__tls_free(self);
        return dill__tls_fail(s, err);
    }
    self->hvfs.query = dill__tls_query;
    self->hvfs.close = dill__tls_hclose;
    self->bvfs.bsendl = dill__tls_bsendl;
    self->bvfs.brecvl = dill__tls_brecvl;
    self->lower = lower;
    int h = dill__proto_own(s, &self->hvfs, &self->u);
    if(dill__slow(h < 0)) {
        int err = errno;
        dill__tls_engine_close(self);
        dill__tls_free(self);
        return dill__tls_fail(s, err);
    }
    /* The socket is ours now.  A failed handshake leaves its stream in an
       unknown state: it is closed with the rest. */
    if(dill__slow(dill__tls_handshake(self, server, deadline) < 0)) {
        int err = errno;
        dill_hclose(h);
        errno = err;
        return -1;
    }
    return h;
}

int dill_tls_attach_client(int s, int64_t deadline) {
    return dill__tls_attach(s, 0, NULL, NULL, NULL, deadline);
}

/* A NULL storage: EINVAL, the socket closed (if it is one), as upstream. */
static int dill__tls_nomem(int s) {
    return dill__tls_fail(s, dill__hvfs(s) ? EINVAL : EBADF);
}

int dill_tls_attach_client_mem(int s, struct dill_tls_storage *mem,
      int64_t deadline) {
    if(dill__slow(!mem)) return dill__tls_nomem(s);
    return dill__tls_attach(s, 0, NULL, NULL, (struct dill__tls*)mem, deadline);
}

int dill_tls_attach_server(int s, const char *cert, const char *pkey,
      int64_t deadline) {
    return dill__tls_attach(s, 1, cert, pkey, NULL, deadline);
}

int dill_tls_attach_server_mem(int s, const char *cert, const char *pkey,
      struct dill_tls_storage *mem, int64_t deadline) {
    if(dill__slow(!mem)) return dill__tls_nomem(s);
    return dill__tls_attach(s, 1, cert, pkey, (struct dill__tls*)mem, deadline);
}

/* Sends our close_notify (after whatever plaintext is queued). */
static int dill__tls_close_notify(struct dill__tls *self, int64_t deadline) {
    self->outdone = 1;
    int e = dill__js_tls_end(self->fd);
    if(dill__slow(e < 0)) {errno = -e; return -1;}
    return dill__tls_push(self, 1, deadline);
}

int dill_tls_done(int s, int64_t deadline) {
    struct dill__tls *self = dill__hquery(s, dill__tls_type);
    if(dill__slow(!self)) return -1;
    if(dill__slow(self->outdone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->outerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->sbusy)) {errno = EBUSY; return -1;}
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    self->sbusy = 1;
    dill__busy_enter(&self->busy);
    int rc = dill__tls_close_notify(self, deadline);
    self->sbusy = 0;
    if(dill__slow(rc < 0)) self->outerr = 1;
    dill__busy_leave(&self->busy);
    return rc;
}

/* The terminal handshake: our close_notify if tls_done did not send it,
   then the peer's data is dropped up to its own (drain.h bounds this
   against a peer that never stops sending).  The caller holds the object
   and both directions. */
static int dill__tls_terminate(struct dill__tls *self, int64_t deadline) {
    if(self->outerr || self->inerr) {errno = ECONNRESET; return -1;}
    if(!self->outdone && dill__tls_close_notify(self, deadline) < 0) return -1;
    struct dill__drain d;
    dill__drain_start(&d, deadline);
    while(!self->indone) {
        struct dill_iolist chunk = {NULL, 65536, NULL, 0};
        if(dill__tls_recv(self, &chunk, 0, deadline) < 0) {
            if(errno != EPIPE) return -1;
            self->indone = 1;
            break;
        }
        if(dill__drain_step(&d, chunk.iol_len) < 0) return -1;
        if(dill__slow(dill__busy_closed(&self->busy))) {errno = EBADF; return -1;}
    }
    return 0;
}

int dill_tls_detach(int s, int64_t deadline) {
    struct dill__tls *self = dill__hquery(s, dill__tls_type);
    if(dill__slow(!self)) return -1;
    int rc = -1;
    if(dill__slow(self->sbusy || self->rbusy)) errno = EBUSY;
    else if(dill__slow(dill__cr_canceled())) errno = ECANCELED;
    else {
        /* Sends and receives meanwhile get EBUSY. */
        self->sbusy = self->rbusy = 1;
        dill__busy_enter(&self->busy);
        rc = dill__tls_terminate(self, deadline);
        self->sbusy = self->rbusy = 0;
        if(dill__slow(dill__busy_leave(&self->busy))) {
            /* hclose'd by another coroutine meanwhile: the number is gone. */
            errno = EBADF;
            return -1;
        }
    }
    /* On failure the whole stack is closed, as the manual says. */
    int u = dill__proto_detached(s, rc, self->u);
    if(u >= 0) {
        dill__tls_engine_close(self);
        dill__tls_free(self);
    }
    return u;
}
