/* Internal: coroutines, the scheduler and blocking. */
#ifndef DILL_CR_H_INCLUDED
#define DILL_CR_H_INCLUDED

#include <stdint.h>
#include "platform/platform.h"
#include "utils.h"

/*
 * The execution context of a coroutine.  The JS side (wasm/shim/fiber.js)
 * reads and writes these fields by offset: keep the layout in sync.
 *
 * A coroutine's suspended wasm frames are saved in one of two ways.  Those
 * whose memory is ours (go(), the host's) unwind straight into an area of
 * their own, [astart, aend).  Those on a caller's buffer (go_mem) must not
 * take that room out of the buffer, which may be as small as upstream
 * accepts: they unwind into one shared scratch area (astart/aend point at
 * it), and the driver then moves the bytes used into `save`, a heap buffer
 * of `savecap` bytes that grows as needed, and back before rewinding.
 */
struct dill__ctx {
    uintptr_t sp;          /*  0: saved C stack pointer */
    uintptr_t stack_base;  /*  4: highest address of the C stack */
    uintptr_t stack_limit; /*  8: lowest address of the C stack */
    int started;           /* 12: 0 new, 1 started, 2 finished */
    uintptr_t acur;        /* 16: Asyncify data: current position ... */
    uintptr_t aend;        /* 20: ... and end (binaryen's layout) */
    uintptr_t astart;      /* 24: start of the Asyncify area */
    uintptr_t save;        /* 28: saved frames of a scratch user, or 0 */
    uint32_t savelen;      /* 32: bytes of them */
    uint32_t savecap;      /* 36: room in `save` */
    uintptr_t bottom;      /* 40: its bottom frame's function, which the
                              driver calls (from the table) to enter or
                              rewind it: a coroutine started by go() has
                              its parent's, whose frames it starts from */
    int unwinding;         /* 44: set by the driver while it unwinds (for a
                              bottom function Asyncify does not instrument:
                              a return then is no return) */
};

struct dill__cr;

/* One thing a blocked coroutine waits for; sits in some waiters list. */
struct dill__clause {
    struct dill__list item;       /* in the list of the object waited on */
    struct dill__cr *cr;
    struct dill__clause *next;    /* next clause of the same wait */
    int id;                       /* returned by dill__wait when this fires */
};

struct dill__timer {
    int64_t deadline;
    int idx;                      /* position in the heap, -1 if not in it */
};

struct dill__bundle;

struct dill__cr {
    struct dill__ctx ctx;         /* must be first */
    struct dill__cr *next_ready;
    struct dill__list bitem;      /* in the bundle's list of coroutines */
    struct dill__bundle *bundle;
    struct dill__clause *clauses; /* clauses of the current wait */
    struct dill__timer timer;
    unsigned ready : 1;
    unsigned blocked : 1;
    unsigned nocancel : 1;
    unsigned canceled : 1;
    unsigned finished : 1;
    unsigned ownmem : 1;          /* block was malloc'd by us */
    unsigned exiting : 1;         /* main's: main() returned `status` */
    int status;
    int wid;                      /* result of the wait */
    int werr;                     /* errno of the wait */
    void *block;                  /* memory holding this coroutine */
    size_t blocksize;
    /* For a coroutine entered fresh (not by go()): its function, which
       is also its ctx.bottom, and the argument it finds here. */
    void (*entry)(struct dill__cr *cr);
    void *arg;
};

/* The running coroutine. */
extern struct dill__cr *dill__running;

/* 1 if the running coroutine has been canceled. */
static inline int dill__cr_canceled(void) {
    return dill__running && dill__running->canceled;
}

/* Register a clause of the running coroutine's next wait in `list`. */
void dill__waitfor(struct dill__clause *cl, int id, struct dill__list *list);
/* Like dill__wait, without deadline, but immune to cancellation. */
int dill__wait_nocancel(void);
/* Wake the coroutine that owns the clause; its wait returns cl->id, errno err. */
void dill__trigger(struct dill__clause *cl, int err);

/* Timers (timer.c). */
void dill__timer_add(struct dill__timer *t, int64_t deadline);
void dill__timer_rm(struct dill__timer *t);
/* Fire expired timers; returns the number fired. */
int dill__timers_fire(int64_t now);
/* Earliest deadline, or -1. */
int64_t dill__timers_next(void);
/* The timer's coroutine timed out (called by timer.c). */
void dill__cr_timeout(struct dill__timer *t);

/* Wake coroutines whose descriptors became ready, and time out those whose
   deadlines passed (poller.c); returns how many it woke. */
int dill__fds_fire(void);
/* How many coroutines wait in fdin/fdout (poller.c). */
extern int dill__fds_waiting;

/* Make a coroutine runnable. */
void dill__cr_resume(struct dill__cr *cr, int id, int err);
/* Cancel a coroutine: its current and later blocking calls fail. */
void dill__cr_cancel(struct dill__cr *cr);

int64_t dill__now(void);

/* A coroutine on the C stack the program started on, [limit, base), entered
   fresh by the platform's driver (platform/main.c). */
struct dill__cr *dill__cr_root(void (*entry)(struct dill__cr *cr), void *arg,
    uintptr_t base, uintptr_t limit);

/* The driver frees the stacks of finished coroutines (platform.h). */
void dill__reap(void);

/* For the host (libdill/host/host.c): a coroutine entered fresh at `entry`
   on a malloc'd block of `len` bytes (`alen` of them for Asyncify), in
   bundle `b` (or none), made runnable; NULL with errno on failure. */
struct dill__cr *dill__cr_spawn(struct dill__bundle *b,
    void (*entry)(struct dill__cr *cr), void *arg, size_t len, size_t alen);
/* 1 if some coroutine is runnable. */
int dill__cr_ready(void);
/* The bundle behind handle h, or NULL with errno EBADF or ENOTSUP. */
struct dill__bundle *dill__bundle_of(int h);
/* The bundle a coroutine belongs to, or NULL. */
struct dill__bundle *dill__cr_bundle(struct dill__cr *cr);
/* hclose of a bundle without waiting: cancels its coroutines, drops the
   handle; the last coroutine to finish frees it.  0 if h is no bundle. */
int dill__bundle_abandon(int h);

/******************************************************************************/
/*  The switch path, inlined into every blocking call                        */
/******************************************************************************/

/* Each function between a coroutine's blocking call and the switch is one
   more frame that Asyncify unwinds and rewinds at every switch: so these
   are inlined into their callers (and the blocking calls of chan.c into
   the API functions).  What does not switch stays out of line. */

/* Who runs next once the running coroutine stops: the first ready one, or
   whoever became runnable meanwhile, or NULL (go idle).  May be the running
   coroutine itself. */
struct dill__cr *dill__pick_next(void);

/* Suspend `from` and run `to` (NULL: the driver's idle loop). */
static inline __attribute__((always_inline)) void dill__switch(
      struct dill__cr *from, struct dill__cr *to) {
    from->ctx.sp = dill__sp_get();
    dill__fiber_to = to ? &to->ctx : NULL;
    dill__fiber_point(&from->ctx);
}

/* Switch to whoever runs next; returns when somebody makes the running
   coroutine runnable again. */
static inline __attribute__((always_inline)) void dill__suspend(void) {
    struct dill__cr *self = dill__running;
    struct dill__cr *next = dill__pick_next();
    if(next == self) return;
    dill__running = next;
    dill__switch(self, next);
}

/* Block until a clause fires (its id), or the deadline/cancellation (-1). */
static inline __attribute__((always_inline)) int dill__wait(int64_t deadline) {
    struct dill__cr *self = dill__running;
    /* Outside any coroutine (a call from TypeScript run on its own stack
       because it could not block, see host.c): a bug, not a crash. */
    if(dill__slow(!self)) {errno = EDEADLK; return -1;}
    if(deadline > 0) dill__timer_add(&self->timer, deadline);
    self->blocked = 1;
    dill__suspend();
    errno = self->werr;
    return self->wid;
}

#endif
