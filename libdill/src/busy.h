/*
 * Internal: "closed while a call is busy", the lifecycle shared by the
 * sockets whose calls can block (fdsock.c, prefix.c, suffix.c, term.c,
 * http.c, tls.c, ws.c).
 *
 * hclose of such a socket closes what lies under it at once, which wakes the
 * calls blocked there; but they still look at the object on their way out.
 * So while a call is inside, hclose only marks the object closed, and the
 * last call to leave frees it (and, as a rule, fails with EBADF: its handle
 * is gone).  The object embeds a struct dill__busy; each call that can block
 * runs between dill__busy_enter and dill__busy_leave; its hclose ends with
 * dill__busy_close.
 *
 * Whether a direction is taken (EBUSY for a second sender or receiver) is
 * not decided here: each protocol keeps its own sbusy/rbusy flags.
 */
#ifndef DILL_BUSY_H_INCLUDED
#define DILL_BUSY_H_INCLUDED

#include "utils.h"

struct dill__busy {
    int users;                       /* calls inside the object */
    unsigned closed : 1;             /* hclose'd: the last call out frees it */
    /* Frees the object that embeds this (called once, closed and idle). */
    void (*free)(struct dill__busy *busy);
};

/* An object nobody is in, with `free` to free it. */
static inline void dill__busy_init(struct dill__busy *b,
      void (*free)(struct dill__busy *busy)) {
    b->users = 0;
    b->closed = 0;
    b->free = free;
}

/* A call comes in: the object stays allocated until it leaves. */
static inline void dill__busy_enter(struct dill__busy *b) {
    b->users++;
}

/* A call leaves.  Returns 0 if the object is still open, 1 if it was
   closed meanwhile: then it has been freed if this was the last call
   inside, and the caller must not touch it again either way. */
static inline int dill__busy_leave(struct dill__busy *b) {
    b->users--;
    if(dill__fast(!b->closed)) return 0;
    if(b->users == 0) b->free(b);
    return 1;
}

/* 1 if the object was closed while the caller is inside it (the caller,
   having entered, may still look at it). */
static inline int dill__busy_closed(const struct dill__busy *b) {
    return b->closed;
}

/* hclose, once what lies under the object is closed: frees it now if no
   call is inside, else the last one to leave does. */
static inline void dill__busy_close(struct dill__busy *b) {
    b->closed = 1;
    if(b->users == 0) b->free(b);
}

/* Something that holds the object without being counted as a call (see
   fdsock.c: a receive parked in JavaScript) let go of it: frees it if it
   was closed and no call is inside. */
static inline void dill__busy_release(struct dill__busy *b) {
    if(dill__slow(b->closed) && b->users == 0) b->free(b);
}

#endif
