/*
 * WebSocket (RFC 6455) on top of any bytestream socket: a message socket
 * whose messages are text or binary.
 *
 * Frames are read with exactly as many bytes as they take (two calls for a
 * small frame: the two header bytes, then length/key and payload in one
 * go), never beyond, so that ws_detach hands back the underlying socket
 * with whatever follows the peer's close frame intact.  Payloads land
 * directly in the caller's buffers (a server unmasks them in place); a
 * client masks what it sends into a per-socket buffer of at most 64 KiB.
 *
 * Sending and receiving are independent, as with bytestreams: one
 * coroutine may send while another receives.  A ping is answered by the
 * receiving coroutine; if a message is being sent at that moment, the pong
 * goes out right after it (a pong never cuts into a message), and a sender
 * that arrives while a pong is going out waits for it rather than failing
 * with EBUSY.
 *
 * The close handshake is a half-close, as ws_done/ws_detach describe:
 * receiving a close frame makes receives fail with EPIPE (ws_status tells
 * what the peer sent) but does not close our side; ws_done or ws_detach
 * sends our close frame.  When the peer breaks the protocol, the call that
 * found the violation fails with EPROTO and later receives with ECONNRESET;
 * as upstream, the peer is told nothing.
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
#include "drain.h"
#include "handle.h"
#include "proto.h"
#include "wscrypto.h"
#include "wshandshake.h"
#include "utils.h"

static const int dill__ws_type_placeholder = 0;
static const void *dill__ws_type = &dill__ws_type_placeholder;

/* Opcodes. */
#define DILL__WS_CONT 0x0
#define DILL__WS_TEXTOP 0x1
#define DILL__WS_BINOP 0x2
#define DILL__WS_CLOSE 0x8
#define DILL__WS_PING 0x9
#define DILL__WS_PONG 0xa

/* A client masks at most this much of a message before sending it. */
#define DILL__WS_TXMAX 65536
/* Payloads of control frames, and the reason of a close frame. */
#define DILL__WS_CTRLMAX 125
#define DILL__WS_REASONMAX 123

struct dill__ws {
    struct dill_hvfs hvfs;
    struct dill_msock_vfs mvfs;
    int u;                        /* the underlying socket, owned */
    struct dill_bsock_vfs *b;     /* its bytestream interface */
    struct dill__busy busy;       /* coroutines inside a call on this object */
    struct dill__list txwait;     /* senders waiting for a pong to be out */
    unsigned client : 1;
    unsigned text : 1;            /* type of msend/mrecv messages */
    unsigned mem : 1;
    unsigned sbusy : 1;           /* somebody is sending ... */
    unsigned ctrl : 1;            /* ... and it is the receiver's pong */
    unsigned rbusy : 1;
    unsigned outdone : 1;         /* our close frame went out */
    unsigned outerr : 1;
    unsigned indone : 1;          /* the peer's close frame came in */
    unsigned inerr : 1;
    unsigned pong : 1;            /* a pong waits for the sender to finish */
    unsigned eof : 1;             /* the stream ended with no close frame */
    uint16_t status;              /* of the peer's close frame, 0 if none */
    uint8_t reasonlen;
    uint8_t ponglen;
    uint8_t *txbuf;               /* client: masked frames */
    size_t txcap;
    uint8_t reason[DILL__WS_REASONMAX];
    uint8_t pongdata[DILL__WS_CTRLMAX];
};
DILL__STATIC_ASSERT(sizeof(struct dill__ws) <= sizeof(struct dill_ws_storage),
    "ws_storage too small");

/******************************************************************************/
/*  Helpers                                                                   */
/******************************************************************************/

typedef uint64_t __attribute__((may_alias)) dill__ws_u64;

/* XORs n bytes at p with the masking key, p[0] being payload byte `k`. */
static void dill__ws_mask(uint8_t *p, size_t n, const uint8_t key[4], uint64_t k) {
    unsigned i = k & 3;
    while(n && ((uintptr_t)p & 7)) {*p++ ^= key[i]; i = (i + 1) & 3; n--;}
    if(n >= 8) {
        uint8_t kk[8];
        for(int j = 0; j < 8; j++) kk[j] = key[(i + j) & 3];
        uint64_t w;
        memcpy(&w, kk, 8);
        dill__ws_u64 *q = (dill__ws_u64*)p;
        size_t words = n / 8;
        for(size_t j = 0; j < words; j++) q[j] ^= w;
        p += words * 8;
        n -= words * 8;
    }
    while(n) {*p++ ^= key[i]; i = (i + 1) & 3; n--;}
}

/* Status codes a close frame may carry: 1000-4999, as upstream takes them
   from a peer. */
static int dill__ws_status_ok(int st) {
    return st >= 1000 && st <= 4999;
}

/* Status codes we put in our close frame: the same, except those RFC 6455
   7.4.1 says an endpoint must not send (1005, 1006, 1015: upstream sends
   them). */
static int dill__ws_status_sendable(int st) {
    return dill__ws_status_ok(st) && st != 1005 && st != 1006 && st != 1015;
}

static void dill__ws_free(struct dill__ws *self) {
    free(self->txbuf);
    if(!self->mem) free(self);
}

static void dill__ws_busyfree(struct dill__busy *busy) {
    dill__ws_free(dill__cont(busy, struct dill__ws, busy));
}

/* The object stops being reachable (hclose, ws_detach): free it now, or let
   the coroutines still inside do it. */
static void dill__ws_release(struct dill__ws *self) {
    while(!dill__list_empty(&self->txwait))
        dill__trigger(dill__cont(self->txwait.next, struct dill__clause, item),
            EBADF);
    dill__busy_close(&self->busy);
}

/******************************************************************************/
/*  Sending                                                                   */
/******************************************************************************/

/* Sends one whole frame of len bytes (first..last, or nothing if len is 0);
   the caller holds the send side. */
static int dill__ws_sendframe(struct dill__ws *self, int op,
      struct dill_iolist *first, struct dill_iolist *last, size_t len,
      int64_t deadline) {
    uint8_t hdr[14];
    size_t hl = 2;
    hdr[0] = 0x80 | op;
    if(len < 126) {
        hdr[1] = (uint8_t)len;
    } else if(len <= 0xffff) {
        hdr[1] = 126;
        hdr[2] = (uint8_t)(len >> 8);
        hdr[3] = (uint8_t)len;
        hl = 4;
    } else {
        hdr[1] = 127;
        uint64_t l = len;
        for(int i = 0; i < 8; i++) hdr[2 + i] = (uint8_t)(l >> (56 - 8 * i));
        hl = 10;
    }
    if(!self->client) {
        struct dill_iolist h = {hdr, hl, len ? first : NULL, 0};
        return self->b->bsendl(self->b, &h, len ? last : &h, deadline);
    }
    uint8_t *key = hdr + hl;
    hdr[1] |= 0x80;
    if(dill__slow(dill__random(key, 4) < 0)) return -1;
    hl += 4;
    size_t cap = hl + len < DILL__WS_TXMAX ? hl + len : DILL__WS_TXMAX;
    if(self->txcap < cap) {
        /* Grows to the largest frame seen, up to DILL__WS_TXMAX. */
        size_t ncap = self->txcap ? self->txcap : 256;
        while(ncap < cap) ncap *= 2;
        if(ncap > DILL__WS_TXMAX) ncap = DILL__WS_TXMAX;
        uint8_t *nb = realloc(self->txbuf, ncap);
        if(dill__slow(!nb)) {errno = ENOMEM; return -1;}
        self->txbuf = nb;
        self->txcap = ncap;
    }
    uint8_t *buf = self->txbuf;
    memcpy(buf, hdr, hl);
    size_t fill = hl, done = 0, off = 0;
    struct dill_iolist *it = first;
    for(;;) {
        while(done < len && fill < cap) {
            while(off == it->iol_len) {it = it->iol_next; off = 0;}
            size_t n = it->iol_len - off;
            if(n > cap - fill) n = cap - fill;
            memcpy(buf + fill, (uint8_t*)it->iol_base + off, n);
            dill__ws_mask(buf + fill, n, key, done);
            fill += n;
            done += n;
            off += n;
        }
        struct dill_iolist chunk = {buf, fill, NULL, 0};
        if(dill__slow(self->b->bsendl(self->b, &chunk, &chunk, deadline) < 0))
            return -1;
        if(done == len) return 0;
        fill = 0;
    }
}

/* Takes the send side: EPIPE after our close frame, ECONNRESET after a
   failed send, EBUSY if another coroutine is sending a message; waits while
   the receiver sends a pong. */
static int dill__ws_txtake(struct dill__ws *self, int64_t deadline) {
    for(;;) {
        if(dill__slow(dill__busy_closed(&self->busy))) {errno = EBADF; return -1;}
        if(dill__slow(self->outdone)) {errno = EPIPE; return -1;}
        if(dill__slow(self->outerr)) {errno = ECONNRESET; return -1;}
        if(dill__fast(!self->sbusy)) break;
        if(!self->ctrl) {errno = EBUSY; return -1;}
        if(deadline == 0) {errno = ETIMEDOUT; return -1;}
        struct dill__clause cl;
        dill__waitfor(&cl, 0, &self->txwait);
        if(dill__wait(deadline) < 0) return -1;
    }
    self->sbusy = 1;
    return 0;
}

/* Releases the send side after a frame that went out (rc 0) or not (-1),
   first sending the pong the receiver left, if any. */
static void dill__ws_txgive(struct dill__ws *self, int rc, int64_t deadline) {
    if(dill__slow(rc < 0)) {
        self->outerr = 1;
    } else if(dill__slow(self->pong) && !self->outdone &&
          !dill__busy_closed(&self->busy)) {
        /* A copy: another ping may come in while this pong goes out. */
        uint8_t p[DILL__WS_CTRLMAX];
        size_t n = self->ponglen;
        memcpy(p, self->pongdata, n);
        self->pong = 0;
        struct dill_iolist iol = {p, n, NULL, 0};
        if(dill__ws_sendframe(self, DILL__WS_PONG, &iol, &iol, n, deadline) < 0)
            self->outerr = 1;
    }
    self->pong = 0;
    self->sbusy = 0;
    self->ctrl = 0;
    while(!dill__list_empty(&self->txwait))
        dill__trigger(dill__cont(self->txwait.next, struct dill__clause, item), 0);
}

/* One message, or a close frame (op DILL__WS_CLOSE). */
static int dill__ws_sendmsg(struct dill__ws *self, int op,
      struct dill_iolist *first, struct dill_iolist *last, size_t len,
      int64_t deadline) {
    dill__busy_enter(&self->busy);
    int rc = dill__ws_txtake(self, deadline);
    if(dill__fast(rc == 0)) {
        rc = dill__ws_sendframe(self, op, first, last, len, deadline);
        int err = errno;
        if(op == DILL__WS_CLOSE && rc == 0) self->outdone = 1;
        dill__ws_txgive(self, rc, deadline);
        errno = err;
    }
    int err = errno;
    dill__busy_leave(&self->busy);
    errno = err;
    return rc;
}

/* Our close frame: status 0 means none, and then there can be no reason
   (upstream sends the reason alone, which no peer can read).  A reason
   longer than a control frame holds is EINVAL (upstream sends it in a
   frame too long to be a control frame). */
static int dill__ws_sendclose(struct dill__ws *self, int status,
      const void *buf, size_t len, int64_t deadline) {
    if(dill__slow((!buf && len) || (status == 0 ? len != 0 :
          !dill__ws_status_sendable(status)) || len > DILL__WS_REASONMAX)) {
        errno = EINVAL;
        return -1;
    }
    uint8_t p[DILL__WS_CTRLMAX];
    size_t n = 0;
    if(status) {
        p[0] = (uint8_t)(status >> 8);
        p[1] = (uint8_t)status;
        memcpy(p + 2, buf, len);
        n = 2 + len;
    }
    struct dill_iolist iol = {p, n, NULL, 0};
    return dill__ws_sendmsg(self, DILL__WS_CLOSE, &iol, &iol, n, deadline);
}

/******************************************************************************/
/*  Receiving                                                                 */
/******************************************************************************/

/* Where the next payload byte goes in the caller's receive list. */
struct dill__ws_cursor {
    struct dill_iolist *it;
    size_t off;
};

/* Receives prelen bytes into pre (the masking key, when it comes right
   before the payload), then n payload bytes into the caller's list at the
   cursor, in one call of the underlying socket; unmasks the payload with
   key (if not NULL), these being the frame's first n payload bytes.  The
   list is cut to the range for the call and restored after. */
static int dill__ws_rx(struct dill__ws *self, uint8_t *pre, size_t prelen,
      struct dill__ws_cursor *cur, size_t n, const uint8_t *key,
      int64_t deadline) {
    struct dill_iolist prenode = {pre, prelen, NULL, 0};
    if(n == 0) {
        if(prelen == 0) return 0;
        return self->b->brecvl(self->b, &prenode, &prenode, deadline);
    }
    struct dill_iolist *s = cur->it;
    size_t off = cur->off;
    while(off == s->iol_len) {s = s->iol_next; off = 0;}
    struct dill_iolist *e = s;
    size_t eoff = off, left = n;
    while(e->iol_len - eoff < left) {
        left -= e->iol_len - eoff;
        e = e->iol_next;
        eoff = 0;
    }
    void *sbase = s->iol_base;
    size_t slen = s->iol_len, elen = e->iol_len;
    struct dill_iolist *enext = e->iol_next;
    e->iol_len = eoff + left;
    e->iol_next = NULL;
    if(s->iol_base) s->iol_base = (uint8_t*)s->iol_base + off;
    s->iol_len -= off;
    prenode.iol_next = s;
    int rc = self->b->brecvl(self->b, prelen ? &prenode : s, e, deadline);
    if(rc == 0 && key) {
        uint64_t koff = 0;
        for(struct dill_iolist *it = s; it; it = it->iol_next) {
            if(it->iol_base) dill__ws_mask(it->iol_base, it->iol_len, key, koff);
            koff += it->iol_len;
        }
    }
    e->iol_len = elen;
    e->iol_next = enext;
    s->iol_base = sbase;
    s->iol_len = slen;
    cur->it = e;
    cur->off = eoff + left;
    return rc;
}

/* Skips n bytes of the underlying socket. */
static int dill__ws_rxdrop(struct dill__ws *self, uint64_t n, int64_t deadline) {
    while(n) {
        size_t k = n > (1u << 30) ? (1u << 30) : (size_t)n;
        struct dill_iolist d = {NULL, k, NULL, 0};
        if(dill__slow(self->b->brecvl(self->b, &d, &d, deadline) < 0)) return -1;
        n -= k;
    }
    return 0;
}

/* The peer broke the protocol: fail with EPROTO, receives fail with
   ECONNRESET from now on.  As upstream, nothing is sent to the peer. */
static int dill__ws_violation(struct dill__ws *self) {
    self->inerr = 1;
    errno = EPROTO;
    return -1;
}

/* A ping's payload goes back in a pong: now if nobody is sending (the
   receiver sends it), else right after the message being sent. */
static int dill__ws_answer(struct dill__ws *self, const uint8_t *p, size_t n,
      int64_t deadline) {
    if(self->outdone || self->outerr) return 0;
    if(self->sbusy) {
        memcpy(self->pongdata, p, n);
        self->ponglen = (uint8_t)n;
        self->pong = 1;
        return 0;
    }
    self->sbusy = 1;
    self->ctrl = 1;
    struct dill_iolist iol = {(void*)p, n, NULL, 0};
    int rc = dill__ws_sendframe(self, DILL__WS_PONG, &iol, &iol, n, deadline);
    int err = errno;
    dill__ws_txgive(self, rc, deadline);
    errno = err;
    return rc;
}

/* Receives one message into first..last (dropped if first is NULL), its
   type in *op (DILL__WS_TEXTOP or DILL__WS_BINOP).  Control frames in
   between are dealt with.  A close frame ends with EPIPE. */
static ssize_t dill__ws_recvmsg(struct dill__ws *self, int *op,
      struct dill_iolist *first, int64_t deadline) {
    if(dill__slow(self->rbusy)) {errno = EBUSY; return -1;}
    if(dill__slow(self->indone)) {errno = EPIPE; return -1;}
    if(dill__slow(self->inerr)) {errno = ECONNRESET; return -1;}
    /* Skip items (NULL bases) can be of any length: saturated. */
    size_t cap = dill__proto_recvlen(first);
    self->rbusy = 1;
    dill__busy_enter(&self->busy);
    struct dill__ws_cursor cur = {first, 0};
    uint64_t pos = 0;
    int op0 = -1, over = 0;
    ssize_t rc = -1;
    for(;;) {
        if(dill__slow(dill__busy_closed(&self->busy))) {errno = EBADF; goto broken;}
        uint8_t h[14];
        struct dill_iolist hi = {h, 2, NULL, 0};
        if(dill__slow(self->b->brecvl(self->b, &hi, &hi, deadline) < 0))
            goto broken;
        int fin = h[0] & 0x80, opc = h[0] & 0x0f, masked = h[1] & 0x80;
        uint64_t len = h[1] & 0x7f;
        if(dill__slow(h[0] & 0x70)) goto violation;          /* RSV bits */
        if(dill__slow(!masked != !!self->client)) goto violation;
        if(opc & 8) {
            if(dill__slow(!fin || len > DILL__WS_CTRLMAX || opc > DILL__WS_PONG))
                goto violation;
        } else {
            if(dill__slow(opc > DILL__WS_BINOP)) goto violation;
            /* Continuation frames only, and only, within a message. */
            if(dill__slow((opc == DILL__WS_CONT) != (op0 >= 0))) goto violation;
        }
        size_t extlen = len == 126 ? 2 : len == 127 ? 8 : 0;
        size_t keylen = masked ? 4 : 0;
        uint8_t *pre = h + 2;
        size_t prelen = keylen;
        if(extlen) {
            struct dill_iolist ei = {h + 2, extlen + keylen, NULL, 0};
            if(dill__slow(self->b->brecvl(self->b, &ei, &ei, deadline) < 0))
                goto broken;
            len = 0;
            for(size_t i = 0; i < extlen; i++) len = len << 8 | h[2 + i];
            if(dill__slow(len >> 63)) goto violation;
            pre = NULL;
            prelen = 0;
        }
        const uint8_t *key = masked ? h + 2 + extlen : NULL;
        if(opc & 8) {
            uint8_t p[DILL__WS_CTRLMAX];
            struct dill_iolist pi = {p, (size_t)len, NULL, 0};
            struct dill__ws_cursor pc = {&pi, 0};
            if(dill__slow(dill__ws_rx(self, pre, prelen, &pc, (size_t)len, key,
                  deadline) < 0))
                goto broken;
            if(opc == DILL__WS_PING) {
                if(dill__slow(dill__ws_answer(self, p, (size_t)len, deadline) < 0))
                    goto out;
                continue;
            }
            if(opc == DILL__WS_PONG) continue;
            /* Close: an optional status, then an optional reason. */
            if(dill__slow(len == 1)) goto violation;
            if(len >= 2) {
                int st = p[0] << 8 | p[1];
                if(dill__slow(!dill__ws_status_ok(st))) goto violation;
                self->status = (uint16_t)st;
                self->reasonlen = (uint8_t)(len - 2);
                memcpy(self->reason, p + 2, len - 2);
            }
            self->indone = 1;
            errno = EPIPE;
            goto out;
        }
        if(op0 < 0) op0 = opc;
        uint64_t room = pos < cap ? cap - pos : 0;
        size_t n = len < room ? (size_t)len : (size_t)room;
        if(dill__slow(dill__ws_rx(self, pre, prelen, &cur, n, key, deadline) < 0))
            goto broken;
        if(dill__slow(len > n)) {
            over = 1;
            if(dill__slow(dill__ws_rxdrop(self, len - n, deadline) < 0))
                goto broken;
        }
        pos += len;
        if(fin) break;
    }
    *op = op0;
    if(dill__slow((over && first) || pos > (uint64_t)SSIZE_MAX)) {
        errno = EMSGSIZE;
        goto out;
    }
    rc = (ssize_t)pos;
    goto out;
violation:
    dill__ws_violation(self);
    goto out;
broken:
    /* The stream is out of step now.  An end of stream without a close
       frame ends the receiving side as a close frame would (EPIPE, as
       upstream), but with no status to tell. */
    if(errno == EPIPE) {
        self->indone = 1;
        self->eof = 1;
    } else {
        self->inerr = 1;
    }
out:;
    int err = errno;
    self->rbusy = 0;
    dill__busy_leave(&self->busy);
    errno = err;
    return rc;
}

/******************************************************************************/
/*  The handle and the message-socket interface                               */
/******************************************************************************/

static void *dill__ws_query(struct dill_hvfs *hvfs, const void *type) {
    struct dill__ws *self = dill__cont(hvfs, struct dill__ws, hvfs);
    if(type == dill_msock_type) return &self->mvfs;
    if(type == dill__ws_type) return self;
    errno = ENOTSUP;
    return NULL;
}

static void dill__ws_hclose(struct dill_hvfs *hvfs) {
    struct dill__ws *self = dill__cont(hvfs, struct dill__ws, hvfs);
    /* Wakes the coroutines blocked in the underlying socket: they see
       the object closed and leave. */
    dill_hclose(self->u);
    dill__ws_release(self);
}

static int dill__ws_msendl(struct dill_msock_vfs *mvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__ws *self = dill__cont(mvfs, struct dill__ws, mvfs);
    size_t len;
    if(dill__slow(dill__proto_sendlen(first, &len) < 0)) return -1;
    return dill__ws_sendmsg(self, self->text ? DILL__WS_TEXTOP : DILL__WS_BINOP,
        first, last, len, deadline);
}

static ssize_t dill__ws_mrecvl(struct dill_msock_vfs *mvfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__ws *self = dill__cont(mvfs, struct dill__ws, mvfs);
    int op;
    ssize_t rc = dill__ws_recvmsg(self, &op, first, deadline);
    if(dill__slow(rc >= 0 &&
          op != (self->text ? DILL__WS_TEXTOP : DILL__WS_BINOP))) {
        errno = EPROTO;
        return -1;
    }
    return rc;
}

/* The WebSocket object behind handle s, or NULL with EBADF or ENOTSUP. */
static struct dill__ws *dill__ws_of(int s) {
    return dill__hquery(s, dill__ws_type);
}

/******************************************************************************/
/*  Attaching and detaching (the opening handshake: wshandshake.c)            */
/******************************************************************************/

/* Fails an attach to socket s (a valid handle): as upstream, the socket is
   closed, errno kept. */
static int dill__ws_fail(int s, int err) {
    dill_hclose(s);
    errno = err;
    return -1;
}

/* Checks what can be checked before taking the socket: that s is a
   bytestream (EBADF, ENOTSUP: s is closed then, as upstream does, unless
   it is no handle) and that the coroutine is not canceled.  Flags are not
   checked: upstream ignores bits it does not know. */
static int dill__ws_check(int s) {
    if(dill__slow(!dill__hquery(s, dill_bsock_type))) {
        int err = errno;
        if(err == ENOTSUP) dill_hclose(s);
        errno = err;
        return -1;
    }
    if(dill__slow(dill__cr_canceled())) return dill__ws_fail(s, ECANCELED);
    return 0;
}

/* The WebSocket object over socket s, which is taken over on success and
   closed on failure. */
static int dill__ws_make(int s, int flags, int client, struct dill__ws *mem) {
    struct dill__ws *self = mem ? mem : malloc(sizeof(struct dill__ws));
    if(dill__slow(!self)) return dill__ws_fail(s, ENOMEM);
    memset(self, 0, sizeof(*self));
    self->hvfs.query = dill__ws_query;
    self->hvfs.close = dill__ws_hclose;
    self->mvfs.msendl = dill__ws_msendl;
    self->mvfs.mrecvl = dill__ws_mrecvl;
    self->b = dill__hquery(s, dill_bsock_type);
    dill__list_init(&self->txwait);
    self->client = !!client;
    self->text = !!(flags & DILL_WS_TEXT);
    self->mem = !!mem;
    dill__busy_init(&self->busy, dill__ws_busyfree);
    int h = dill__proto_own(s, &self->hvfs, &self->u);
    if(dill__slow(h < 0)) {
        int err = errno;
        if(!mem) free(self);
        return dill__ws_fail(s, err);
    }
    return h;
}

/* What an HTTP request line or field can carry: no control characters (a
   tab in a field is fine), and no space in a resource, which is not empty. */
static int dill__ws_httptext(const char *p, int resource) {
    if(resource && !*p) return 0;
    for(; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if((c < 0x20 && (resource || c != '\t')) || c == 0x7f ||
              (resource && c == ' '))
            return 0;
    }
    return 1;
}

/* Every failure of an attach closes the socket, as upstream does (the
   attach owns it from the start). */
static int dill__ws_attach_client(int s, int flags, const char *resource,
      const char *host, struct dill__ws *mem, int64_t deadline) {
    if(dill__slow(dill__ws_check(s) < 0)) return -1;
    if(dill__slow(!(flags & DILL_WS_NOHTTP) && (!resource || !host ||
          !dill__ws_httptext(resource, 1) || !dill__ws_httptext(host, 0))))
        return dill__ws_fail(s, EINVAL);
    if(flags & DILL_WS_NOHTTP) return dill__ws_make(s, flags, 1, mem);
    int u = dill__ws_client_handshake(s, resource, host, deadline);
    if(dill__slow(u < 0)) return -1;
    return dill__ws_make(u, flags, 1, mem);
}

/* Upstream crashes (an assertion) for a nonnegative handle number that is
   no handle; we fail with EBADF.  Buffers for the resource and the host are
   required without WS_NOHTTP (upstream would write through NULL). */
static int dill__ws_attach_server(int s, int flags, char *resource,
      size_t resourcelen, char *host, size_t hostlen, struct dill__ws *mem,
      int64_t deadline) {
    if(dill__slow(dill__ws_check(s) < 0)) return -1;
    if(dill__slow(!(flags & DILL_WS_NOHTTP) && (!resource || !host ||
          !resourcelen || !hostlen)))
        return dill__ws_fail(s, EINVAL);
    if(flags & DILL_WS_NOHTTP) return dill__ws_make(s, flags, 0, mem);
    int u = dill__ws_server_handshake(s, resource, resourcelen, host, hostlen,
        deadline);
    if(dill__slow(u < 0)) return -1;
    return dill__ws_make(u, flags, 0, mem);
}

/* A NULL storage is EINVAL, the socket closed (if it is one), as upstream. */
static int dill__ws_nomem(int s) {
    if(dill__hvfs(s)) dill_hclose(s);
    errno = EINVAL;
    return -1;
}

int dill_ws_attach_client(int s, int flags, const char *resource,
      const char *host, int64_t deadline) {
    return dill__ws_attach_client(s, flags, resource, host, NULL, deadline);
}

int dill_ws_attach_client_mem(int s, int flags, const char *resource,
      const char *host, struct dill_ws_storage *mem, int64_t deadline) {
    if(dill__slow(!mem)) return dill__ws_nomem(s);
    return dill__ws_attach_client(s, flags, resource, host,
        (struct dill__ws*)mem, deadline);
}

int dill_ws_attach_server(int s, int flags, char *resource,
      size_t resourcelen, char *host, size_t hostlen, int64_t deadline) {
    return dill__ws_attach_server(s, flags, resource, resourcelen, host,
        hostlen, NULL, deadline);
}

int dill_ws_attach_server_mem(int s, int flags, char *resource,
      size_t resourcelen, char *host, size_t hostlen,
      struct dill_ws_storage *mem, int64_t deadline) {
    if(dill__slow(!mem)) return dill__ws_nomem(s);
    return dill__ws_attach_server(s, flags, resource, resourcelen, host,
        hostlen, (struct dill__ws*)mem, deadline);
}

int dill_ws_done(int s, int status, const void *buf, size_t len,
      int64_t deadline) {
    struct dill__ws *self = dill__ws_of(s);
    if(dill__slow(!self)) return -1;
    return dill__ws_sendclose(self, status, buf, len, deadline);
}

int dill_ws_detach(int s, int status, const void *buf, size_t len,
      int64_t deadline) {
    struct dill__ws *self = dill__ws_of(s);
    if(dill__slow(!self)) return -1;
    /* As upstream: our close frame goes out first, even in a canceled
       coroutine (a send that need not wait is not canceled); cancellation
       shows when waiting for the peer's. */
    int rc = 0;
    if(rc == 0 && !self->outdone)
        rc = dill__ws_sendclose(self, status, buf, len, deadline);
    /* Messages still on their way are dropped until the peer's close (one
       too long to report its size is dropped all the same); drain.h bounds
       this against a peer that never stops sending.  Held meanwhile, so
       that an hclose from another coroutine leaves the object to us. */
    struct dill__drain d;
    dill__drain_start(&d, deadline);
    dill__busy_enter(&self->busy);
    while(rc == 0 && !self->indone) {
        int op;
        ssize_t n = dill__ws_recvmsg(self, &op, NULL, deadline);
        if(n < 0 && errno != EPIPE && errno != EMSGSIZE) {
            rc = -1;
            break;
        }
        if(self->indone) break;
        /* Others run meanwhile: receiving stays busy for them. */
        self->rbusy = 1;
        rc = dill__drain_step(&d, n < 0 ? 0 : (size_t)n);
        self->rbusy = 0;
        if(dill__slow(dill__busy_closed(&self->busy))) break;
    }
    if(dill__slow(dill__busy_leave(&self->busy))) {
        /* hclose'd by another coroutine meanwhile: the number is gone. */
        errno = EBADF;
        return -1;
    }
    /* Upstream leaves the socket open when detaching fails (whatever its
       manual says): the caller closes it. */
    if(dill__slow(rc < 0)) return -1;
    int u = dill__proto_detached(s, rc, self->u);
    dill__ws_release(self);
    return u;
}

ssize_t dill_ws_status(int s, int *status, void *buf, size_t len) {
    struct dill__ws *self = dill__ws_of(s);
    if(dill__slow(!self)) return -1;
    if(dill__slow(!self->indone || self->eof)) {errno = EAGAIN; return -1;}
    if(dill__slow(!status)) {errno = EINVAL; return -1;}
    if(buf) {
        if(dill__slow(len < self->reasonlen)) {errno = EMSGSIZE; return -1;}
        memcpy(buf, self->reason, self->reasonlen);
    }
    *status = self->status;
    return self->reasonlen;
}

/******************************************************************************/
/*  Typed messages                                                            */
/******************************************************************************/

/* As upstream, only the WS_TEXT bit of the flags counts. */
static int dill__ws_typeop(int flags) {
    return flags & DILL_WS_TEXT ? DILL__WS_TEXTOP : DILL__WS_BINOP;
}

int dill_ws_sendl(int s, int flags, struct dill_iolist *first,
      struct dill_iolist *last, int64_t deadline) {
    struct dill__ws *self = dill__ws_of(s);
    if(dill__slow(!self)) return -1;
    int op = dill__ws_typeop(flags);
    size_t len;
    /* No list at all is an empty message, as upstream. */
    if(!first && !last) {
        struct dill_iolist none = {NULL, 0, NULL, 0};
        return dill__ws_sendmsg(self, op, &none, &none, 0, deadline);
    }
    if(dill__slow(dill__iol_check(first, last, NULL) < 0)) return -1;
    if(dill__slow(dill__proto_sendlen(first, &len) < 0)) return -1;
    return dill__ws_sendmsg(self, op, first, last, len, deadline);
}

int dill_ws_send(int s, int flags, const void *buf, size_t len,
      int64_t deadline) {
    struct dill__ws *self = dill__ws_of(s);
    if(dill__slow(!self)) return -1;
    int op = dill__ws_typeop(flags);
    /* Upstream reads through the NULL pointer; the kernel would say EFAULT. */
    if(dill__slow(!buf && len)) {errno = EFAULT; return -1;}
    struct dill_iolist iol = {(void*)buf, len, NULL, 0};
    return dill__ws_sendmsg(self, op, &iol, &iol, len, deadline);
}

static ssize_t dill__ws_recvtyped(struct dill__ws *self, int *flags,
      struct dill_iolist *first, int64_t deadline) {
    int op;
    ssize_t rc = dill__ws_recvmsg(self, &op, first, deadline);
    if(rc >= 0 && flags)
        *flags = op == DILL__WS_TEXTOP ? DILL_WS_TEXT : DILL_WS_BINARY;
    return rc;
}

ssize_t dill_ws_recvl(int s, int *flags, struct dill_iolist *first,
      struct dill_iolist *last, int64_t deadline) {
    struct dill__ws *self = dill__ws_of(s);
    if(dill__slow(!self)) return -1;
    if(dill__slow(dill__iol_check_recv(first, last) < 0)) return -1;
    return dill__ws_recvtyped(self, flags, first, deadline);
}

ssize_t dill_ws_recv(int s, int *flags, void *buf, size_t len,
      int64_t deadline) {
    struct dill__ws *self = dill__ws_of(s);
    if(dill__slow(!self)) return -1;
    /* A NULL buffer skips the message (see dill__iol_check_recv). */
    struct dill_iolist iol = {buf, len, NULL, 0};
    return dill__ws_recvtyped(self, flags, &iol, deadline);
}
