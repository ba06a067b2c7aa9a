/*
 * Channels: unbuffered, bidirectional, with two handles (one per end).
 * A message sent on one end is received on the other.  chdone() closes the
 * direction leading away from the end it is called on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../include/libdillimpl.h"
#include "cr.h"
#include "handle.h"
#include "utils.h"

struct dill__chan;

struct dill__halfchan {
    struct dill_hvfs vfs;
    struct dill__chan *ch;
    int index;                 /* 0 or 1 */
};

struct dill__chan {
    struct dill__halfchan half[2];
    /* Direction d carries messages sent on half[d] to half[1 - d]. */
    struct dill__list senders[2];    /* blocked senders of direction d */
    struct dill__list receivers[2];  /* blocked receivers of direction d */
    unsigned done[2];                /* direction d is closed */
    unsigned closed[2];              /* half[i]'s handle is closed */
    unsigned mem;
};
DILL__STATIC_ASSERT(sizeof(struct dill__chan) <= sizeof(struct dill_chstorage),
    "chstorage too small");

/* A blocked send or receive. */
struct dill__chwait {
    struct dill__clause cl;
    void *val;
    size_t len;
};

static const int dill__chan_type_placeholder = 0;
static const void *dill__chan_type = &dill__chan_type_placeholder;

static void *dill__halfchan_query(struct dill_hvfs *vfs, const void *type) {
    if(type == dill__chan_type) return vfs;
    errno = ENOTSUP;
    return NULL;
}

/* Wake every blocked operation of direction d with EPIPE. */
static void dill__chan_shut(struct dill__chan *ch, int d) {
    ch->done[d] = 1;
    struct dill__list *lists[2] = {&ch->senders[d], &ch->receivers[d]};
    for(int i = 0; i < 2; i++) {
        while(!dill__list_empty(lists[i]))
            dill__trigger(dill__cont(lists[i]->next, struct dill__clause, item),
                EPIPE);
    }
}

static void dill__halfchan_close(struct dill_hvfs *vfs) {
    struct dill__halfchan *hc = (struct dill__halfchan*)vfs;
    struct dill__chan *ch = hc->ch;
    ch->closed[hc->index] = 1;
    /* As upstream: closing one end changes nothing for the other, whose
       operations (and any still blocked on the closed end) wait on until
       their deadlines; use chdone() to tell the peer.  Once both ends are
       closed, whoever still waits gets EPIPE. */
    if(!ch->closed[0] || !ch->closed[1]) return;
    dill__chan_shut(ch, 0);
    dill__chan_shut(ch, 1);
    if(!ch->mem) free(ch);
}

static int dill__chan_init(struct dill__chan *ch, int mem, int chv[2]) {
    for(int i = 0; i < 2; i++) {
        ch->half[i].vfs.query = dill__halfchan_query;
        ch->half[i].vfs.close = dill__halfchan_close;
        ch->half[i].ch = ch;
        ch->half[i].index = i;
        dill__list_init(&ch->senders[i]);
        dill__list_init(&ch->receivers[i]);
        ch->done[i] = 0;
        ch->closed[i] = 0;
    }
    ch->mem = mem;
    int h0 = dill__hmake(&ch->half[0].vfs);
    if(dill__slow(h0 < 0)) return -1;
    int h1 = dill__hmake(&ch->half[1].vfs);
    if(dill__slow(h1 < 0)) {int err = errno; dill__hdrop(h0); errno = err; return -1;}
    chv[0] = h0;
    chv[1] = h1;
    return 0;
}

int dill_chmake_mem(struct dill_chstorage *mem, int chv[2]) {
    if(dill__slow(!mem || !chv)) {errno = EINVAL; return -1;}
    return dill__chan_init((struct dill__chan*)mem, 1, chv);
}

int dill_chmake(int chv[2]) {
    if(dill__slow(!chv)) {errno = EINVAL; return -1;}
    struct dill__chan *ch = malloc(sizeof(struct dill__chan));
    if(dill__slow(!ch)) {errno = ENOMEM; return -1;}
    if(dill__slow(dill__chan_init(ch, 0, chv) < 0)) {
        int err = errno; free(ch); errno = err; return -1;
    }
    return 0;
}

int dill_chdone(int h) {
    struct dill__halfchan *hc = dill__hquery(h, dill__chan_type);
    if(dill__slow(!hc)) return -1;
    struct dill__chan *ch = hc->ch;
    if(dill__slow(ch->done[hc->index])) {errno = EPIPE; return -1;}
    dill__chan_shut(ch, hc->index);
    return 0;
}

/*
 * Try one operation without blocking.  Returns 1 if it completed (errno 0 or
 * the operation's error, e.g. EPIPE or EMSGSIZE), 0 if it would block, and -1
 * with errno for a bad clause (EBADF, ENOTSUP, EINVAL).
 */
static int dill__chan_try(int op, int h, void *val, size_t len,
      struct dill__chan **pch, int *pdir) {
    struct dill__halfchan *hc = dill__hquery(h, dill__chan_type);
    if(dill__slow(!hc)) return -1;
    if(dill__slow((op != DILL_CHSEND && op != DILL_CHRECV) || (!val && len))) {
        errno = EINVAL;
        return -1;
    }
    struct dill__chan *ch = hc->ch;
    int dir = op == DILL_CHSEND ? hc->index : 1 - hc->index;
    *pch = ch;
    *pdir = dir;
    if(dill__slow(ch->done[dir])) {errno = EPIPE; return 1;}
    struct dill__list *peers =
        op == DILL_CHSEND ? &ch->receivers[dir] : &ch->senders[dir];
    if(dill__list_empty(peers)) return 0;
    struct dill__chwait *w = dill__cont(peers->next, struct dill__chwait, cl.item);
    if(dill__slow(w->len != len)) {
        dill__trigger(&w->cl, EMSGSIZE);
        errno = EMSGSIZE;
        return 1;
    }
    if(len) {
        if(op == DILL_CHSEND) memcpy(w->val, val, len);
        else memcpy(val, w->val, len);
    }
    dill__trigger(&w->cl, 0);
    errno = 0;
    return 1;
}

/* Inlined into chsend and chrecv: one frame fewer per switch (cr.h). */
static inline __attribute__((always_inline)) int dill__chan_op(int op, int h,
      void *val, size_t len, int64_t deadline) {
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    struct dill__chan *ch;
    int dir;
    int rc = dill__chan_try(op, h, val, len, &ch, &dir);
    if(rc < 0) return -1;
    if(rc > 0) return errno ? -1 : 0;
    if(deadline == 0) {errno = ETIMEDOUT; return -1;}
    struct dill__chwait w;
    w.val = val;
    w.len = len;
    dill__waitfor(&w.cl, 0, op == DILL_CHSEND ?
        &ch->senders[dir] : &ch->receivers[dir]);
    if(dill__wait(deadline) < 0) return -1;
    return errno ? -1 : 0;
}

int dill_chsend(int h, const void *val, size_t len, int64_t deadline) {
    return dill__chan_op(DILL_CHSEND, h, (void*)val, len, deadline);
}

int dill_chrecv(int h, void *val, size_t len, int64_t deadline) {
    return dill__chan_op(DILL_CHRECV, h, val, len, deadline);
}

int dill_choose(struct dill_chclause *clauses, int nclauses, int64_t deadline) {
    if(dill__slow(nclauses < 0 || (nclauses > 0 && !clauses))) {
        errno = EINVAL;
        return -1;
    }
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    struct dill__chan *ch;
    int dir;
    /* The earliest clause that can be done now (or fails) wins. */
    for(int i = 0; i != nclauses; i++) {
        struct dill_chclause *c = &clauses[i];
        int rc = dill__chan_try(c->op, c->ch, c->val, c->len, &ch, &dir);
        if(rc != 0) return i;
    }
    if(deadline == 0) {errno = ETIMEDOUT; return -1;}
    struct dill__chwait *ws = NULL;
    struct dill__chwait one[4];
    if(nclauses <= 4) ws = one;
    else {
        ws = malloc(nclauses * sizeof(struct dill__chwait));
        if(dill__slow(!ws)) {errno = ENOMEM; return -1;}
    }
    for(int i = 0; i != nclauses; i++) {
        struct dill_chclause *c = &clauses[i];
        struct dill__halfchan *hc = dill__hquery(c->ch, dill__chan_type);
        ch = hc->ch;
        dir = c->op == DILL_CHSEND ? hc->index : 1 - hc->index;
        ws[i].val = c->val;
        ws[i].len = c->len;
        dill__waitfor(&ws[i].cl, i, c->op == DILL_CHSEND ?
            &ch->senders[dir] : &ch->receivers[dir]);
    }
    int id = dill__wait(deadline);
    int err = errno;
    if(ws != one) free(ws);
    errno = err;
    return id;
}
