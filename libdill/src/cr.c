/*
 * Coroutines, bundles and the scheduler.
 *
 * Every coroutine is an Asyncify fiber (platform/platform.h: switch, fork):
 * switching unwinds the running coroutine's wasm stack into its Asyncify
 * area and rewinds the next one's.  The platform's driver runs this from a
 * loop; the C side decides who runs next.  When nobody is runnable the loop
 * waits on Node's event loop (timers, I/O) and asks dill__poll() who became
 * runnable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cr.h"
#include "handle.h"
#include "platform/platform.h"
#include "utils.h"

/* A coroutine started by go() or bundle_go() gets 256 KiB of C stack, as
   upstream promises, plus an area for its suspended wasm frames; both sit in
   one block with the coroutine itself.  Only the pages a coroutine touches
   cost memory, but WebAssembly's 4 GiB of address space holds about 14,000
   such blocks: many more coroutines need go_mem with smaller stacks. */
#define DILL__CSTACK_SIZE (256 * 1024)
#define DILL__AREA_SIZE (32 * 1024)
#define DILL__STACK_SIZE (DILL__CSTACK_SIZE + DILL__AREA_SIZE + 256)
#define DILL__STACK_CACHE 64
#define DILL__MIN_STACK 4096
/* A coroutine on a caller's buffer: upstream gives ENOMEM below 272 bytes
   for bundle_go_mem() (its coroutine record and a little room) and below
   336 for go_mem() (which puts the new bundle there too); so do we.  Below
   64 bytes its check wraps around and it writes below the buffer: we give
   ENOMEM there too. */
#define DILL__MIN_USER_MEM 272
#define DILL__MIN_USER_MEM_GO 336
/* The smallest C stack left on a caller's buffer once our record is in. */
#define DILL__MIN_USER_STACK 128
/* Where coroutines on callers' buffers unwind (see struct dill__ctx); the
   frames of one suspended coroutine must fit, however deep its calls. */
#define DILL__SCRATCH_SIZE (1024 * 1024)
/* First size of such a coroutine's own copy of its frames. */
#define DILL__SAVE_INIT 256

struct dill__cr *dill__running;
static struct dill__cr *dill__ready_head, *dill__ready_tail;
static struct dill__cr *dill__zombies;
static void *dill__stack_cache[DILL__STACK_CACHE];
static char dill__scratch[DILL__SCRATCH_SIZE] __attribute__((aligned(16)));
static int dill__nstack_cache;
static unsigned dill__yields;
/* When the scheduler last came back from Node's event loop. */
static int64_t dill__last_idle;
/* Busy coroutines give Node's event loop a turn this often (ms), so that
   I/O from other processes and Node timers are not starved; every
   millisecond while coroutines wait for descriptors (the I/O they wait for
   only arrives through the event loop, where natively their next read
   would find it in the kernel at once). */
#define DILL__BREATHE_MS 10
#define DILL__BREATHE_IO_MS 1

/******************************************************************************/
/*  The ready queue                                                           */
/******************************************************************************/

static inline void dill__ready_push(struct dill__cr *cr) {
    cr->ready = 1;
    cr->next_ready = NULL;
    if(dill__ready_tail) dill__ready_tail->next_ready = cr;
    else dill__ready_head = cr;
    dill__ready_tail = cr;
}

static inline void dill__ready_push_front(struct dill__cr *cr) {
    cr->ready = 1;
    cr->next_ready = dill__ready_head;
    dill__ready_head = cr;
    if(!dill__ready_tail) dill__ready_tail = cr;
}

static inline struct dill__cr *dill__ready_pop(void) {
    struct dill__cr *cr = dill__ready_head;
    if(cr) {
        dill__ready_head = cr->next_ready;
        if(!dill__ready_head) dill__ready_tail = NULL;
        cr->ready = 0;
    }
    return cr;
}

/* Take `cr` out of the ready queue (a rare path: walks the queue). */
static void dill__ready_remove(struct dill__cr *cr) {
    struct dill__cr *prev = NULL;
    for(struct dill__cr *it = dill__ready_head; it; prev = it, it = it->next_ready) {
        if(it != cr) continue;
        if(prev) prev->next_ready = it->next_ready;
        else dill__ready_head = it->next_ready;
        if(dill__ready_tail == it) dill__ready_tail = prev;
        cr->ready = 0;
        return;
    }
}

/* Switch to the next runnable coroutine, or to the idle loop if none.
   Returns when somebody makes the running coroutine runnable again. */
/* Nobody is runnable: wake, without a trip to Node's event loop, whoever
   waits on a deadline that has passed (msleep(0), and the deadlines of
   coroutines that keep each other busy through this program's sockets, a
   peer that never stops sending and one that drains it, which would
   otherwise never expire) or on a descriptor that became ready meanwhile
   (data between sockets of this program).  Unless Node's event loop is due
   a turn (see dill_yield): then go idle for one.  Returns who runs next. */
static struct dill__cr *dill__idle_next(void) {
    int64_t d = dill__timers_next();
    if(d >= 0) {
        int64_t t = dill__now();
        if(t - dill__last_idle >=
              (dill__fds_waiting ? DILL__BREATHE_IO_MS : DILL__BREATHE_MS)) {
            dill__js_breathe();
            return NULL;
        }
        /* A wait whose descriptor became ready at its deadline times out. */
        if(d <= t) dill__timers_fire(t);
    }
    dill__fds_fire();
    return dill__ready_pop();
}

struct dill__cr *dill__pick_next(void) {
    struct dill__cr *next = dill__ready_pop();
    return next ? next : dill__idle_next();
}

/******************************************************************************/
/*  Blocking                                                                  */
/******************************************************************************/

void dill__waitfor(struct dill__clause *cl, int id, struct dill__list *list) {
    struct dill__cr *self = dill__running;
    cl->cr = self;
    cl->id = id;
    cl->next = self->clauses;
    self->clauses = cl;
    dill__list_append(list, &cl->item);
}

void dill__cr_resume(struct dill__cr *cr, int id, int err) {
    for(struct dill__clause *cl = cr->clauses; cl; cl = cl->next)
        dill__list_erase(&cl->item);
    cr->clauses = NULL;
    if(cr->timer.idx >= 0) dill__timer_rm(&cr->timer);
    cr->blocked = 0;
    cr->wid = id;
    cr->werr = err;
    dill__ready_push(cr);
}

void dill__trigger(struct dill__clause *cl, int err) {
    if(cl->cr->blocked) dill__cr_resume(cl->cr, cl->id, err);
}

void dill__cr_timeout(struct dill__timer *t) {
    struct dill__cr *cr = dill__cont(t, struct dill__cr, timer);
    if(cr->blocked) dill__cr_resume(cr, -1, ETIMEDOUT);
}

void dill__cr_cancel(struct dill__cr *cr) {
    cr->canceled = 1;
    if(cr->blocked && !cr->nocancel) dill__cr_resume(cr, -1, ECANCELED);
}

int dill__wait_nocancel(void) {
    struct dill__cr *self = dill__running;
    self->nocancel = 1;
    self->blocked = 1;
    dill__suspend();
    self->nocancel = 0;
    errno = self->werr;
    return self->wid;
}

int dill_yield(void) {
    struct dill__cr *self = dill__running;
    if(dill__slow(self->canceled)) {errno = ECANCELED; return -1;}
    /* A coroutine that only yields must not starve timers or I/O. */
    if(dill__slow((++dill__yields & (dill__fds_waiting ? 7 : 63)) == 0)) {
        int64_t t = dill__now();
        dill__timers_fire(t);
        dill__fds_fire();
        if(t - dill__last_idle >=
              (dill__fds_waiting ? DILL__BREATHE_IO_MS : DILL__BREATHE_MS)) {
            /* Let Node's event loop run once, then carry on. */
            dill__ready_push(self);
            struct dill__cr *next = dill__ready_pop();
            dill__running = NULL;
            dill__ready_push_front(next);
            dill__js_breathe();
            dill__switch(self, NULL);
            return 0;
        }
    }
    if(!dill__ready_head) return 0;
    dill__ready_push(self);
    dill__suspend();
    return 0;
}

/******************************************************************************/
/*  Bundles                                                                   */
/******************************************************************************/

struct dill__bundle {
    struct dill_hvfs vfs;
    struct dill__list crs;      /* coroutines in the bundle */
    struct dill__list waiters;  /* bundle_wait() and hclose() callers */
    unsigned mem : 1;
    unsigned closing : 1;
    unsigned orphan : 1;        /* handle gone: freed by its last coroutine */
};
DILL__STATIC_ASSERT(sizeof(struct dill__bundle) <= sizeof(struct dill_bundle_storage),
    "bundle_storage too small");

static const int dill__bundle_type_placeholder = 0;
static const void *dill__bundle_type = &dill__bundle_type_placeholder;

static void *dill__bundle_query(struct dill_hvfs *vfs, const void *type) {
    if(type == dill__bundle_type) return vfs;
    errno = ENOTSUP;
    return NULL;
}

/* Every coroutine of the bundle other than the running one has finished. */
static int dill__bundle_idle(struct dill__bundle *b) {
    struct dill__list *first = b->crs.next;
    if(first == &b->crs) return 1;
    return first->next == &b->crs &&
        dill__cont(first, struct dill__cr, bitem) == dill__running;
}

static void dill__bundle_close(struct dill_hvfs *vfs) {
    struct dill__bundle *b = (struct dill__bundle*)vfs;
    b->closing = 1;
    for(struct dill__list *it = b->crs.next; it != &b->crs; it = it->next)
        dill__cr_cancel(dill__cont(it, struct dill__cr, bitem));
    /* hclose returns only once the coroutines have finished. */
    while(!dill__bundle_idle(b)) {
        struct dill__clause cl;
        dill__waitfor(&cl, 0, &b->waiters);
        dill__wait_nocancel();
    }
    /* Closing one's own bundle: the closer goes on, canceled, on its own. */
    if(!dill__list_empty(&b->crs)) {
        struct dill__cr *self = dill__running;
        dill__list_erase(&self->bitem);
        self->bundle = NULL;
    }
    if(!b->mem) free(b);
}

static struct dill__bundle *dill__bundle_init(struct dill__bundle *b, int mem) {
    b->vfs.query = dill__bundle_query;
    b->vfs.close = dill__bundle_close;
    dill__list_init(&b->crs);
    dill__list_init(&b->waiters);
    b->mem = mem;
    b->closing = 0;
    b->orphan = 0;
    return b;
}

int dill_bundle_mem(struct dill_bundle_storage *mem) {
    if(dill__slow(!mem)) {errno = EINVAL; return -1;}
    struct dill__bundle *b = dill__bundle_init((struct dill__bundle*)mem, 1);
    return dill__hmake(&b->vfs);
}

int dill_bundle(void) {
    struct dill__bundle *b = malloc(sizeof(struct dill__bundle));
    if(dill__slow(!b)) {errno = ENOMEM; return -1;}
    return dill__hmake_owned(&dill__bundle_init(b, 0)->vfs, b, 1);
}

int dill_bundle_wait(int h, int64_t deadline) {
    struct dill__bundle *b = dill__hquery(h, dill__bundle_type);
    if(dill__slow(!b)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    while(!dill__list_empty(&b->crs)) {
        if(deadline == 0) {errno = ETIMEDOUT; return -1;}
        struct dill__clause cl;
        dill__waitfor(&cl, 0, &b->waiters);
        if(dill__wait(deadline) < 0) return -1;
    }
    return 0;
}

static void dill__bundle_wake(struct dill__bundle *b) {
    while(!dill__list_empty(&b->waiters))
        dill__trigger(dill__cont(b->waiters.next, struct dill__clause, item), 0);
}

/******************************************************************************/
/*  Starting and finishing coroutines                                         */
/******************************************************************************/

/* A fresh coroutine record at `cr`, in the block [mem, mem+len), with its C
   stack in [limit, base). */
static struct dill__cr *dill__cr_place(struct dill__cr *cr, void *mem,
      size_t len, uintptr_t limit, uintptr_t base) {
    memset(cr, 0, sizeof(*cr));
    cr->ctx.stack_limit = limit;
    cr->ctx.stack_base = base;
    cr->ctx.sp = base;
    cr->timer.idx = -1;
    cr->block = mem;
    cr->blocksize = len;
    return cr;
}

/* Lay out a coroutine, its Asyncify area (`alen` bytes) and its C stack in
   our own block [mem, mem+len). */
static struct dill__cr *dill__cr_init(void *mem, size_t len, size_t alen) {
    uintptr_t lo = ((uintptr_t)mem + 15) & ~(uintptr_t)15;
    uintptr_t hi = ((uintptr_t)mem + len) & ~(uintptr_t)15;
    if(hi < lo + sizeof(struct dill__cr) + DILL__MIN_STACK) return NULL;
    uintptr_t area = (lo + sizeof(struct dill__cr) + 15) & ~(uintptr_t)15;
    uintptr_t split = (area + alen + 15) & ~(uintptr_t)15;
    struct dill__cr *cr = dill__cr_place((struct dill__cr*)lo, mem, len, split, hi);
    cr->ctx.astart = area;
    cr->ctx.acur = area;
    cr->ctx.aend = split;
    return cr;
}

/* Lay out a coroutine on a caller's buffer [mem, mem+len): as upstream, the
   record sits at the top and the C stack grows down from it, so a stack
   that overflows runs off the buffer (as natively) instead of into the
   record.  Its frames are saved through the scratch area, on the heap. */
static struct dill__cr *dill__cr_init_user(void *mem, size_t len, size_t min) {
    if(len < min) return NULL;
    uintptr_t lo = ((uintptr_t)mem + 15) & ~(uintptr_t)15;
    uintptr_t hi = (uintptr_t)mem + len;
    if(hi < (uintptr_t)mem) return NULL;
    uintptr_t top = (hi - sizeof(struct dill__cr)) & ~(uintptr_t)15;
    if(top < lo + DILL__MIN_USER_STACK) return NULL;
    void *save = malloc(DILL__SAVE_INIT);
    if(!save) return NULL;
    struct dill__cr *cr = dill__cr_place((struct dill__cr*)top, mem, len, lo, top);
    cr->ctx.astart = cr->ctx.acur = (uintptr_t)dill__scratch;
    cr->ctx.aend = (uintptr_t)dill__scratch + DILL__SCRATCH_SIZE;
    cr->ctx.save = (uintptr_t)save;
    cr->ctx.savecap = DILL__SAVE_INIT;
    return cr;
}

static void dill__save_free(struct dill__cr *cr) {
    free((void*)cr->ctx.save);
    cr->ctx.save = 0;
}

static void dill__stack_release(struct dill__cr *cr) {
    void *block = cr->block;
    if(cr->blocksize == DILL__STACK_SIZE && dill__nstack_cache < DILL__STACK_CACHE)
        dill__stack_cache[dill__nstack_cache++] = block;
    else
        free(block);
}

/* Called by the driver once a finished coroutine's stack is no longer in use. */
void dill__reap(void) {
    while(dill__zombies) {
        struct dill__cr *cr = dill__zombies;
        dill__zombies = cr->next_ready;
        dill__stack_release(cr);
    }
}

/* Handle made by the last dill__go_prepare() for go()/go_mem(). */
static int dill__go_handle;

/* Everything go() does before forking; returns the new coroutine. */
static struct dill__cr *dill__go_prepare(int newbundle, int bndl, void *mem,
      size_t memlen) {
    struct dill__bundle *b = NULL;
    if(!newbundle) {
        b = dill__hquery(bndl, dill__bundle_type);
        if(dill__slow(!b)) return NULL;
    }
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return NULL;}
    int ownmem = 0;
    if(!mem) {
        memlen = DILL__STACK_SIZE;
        mem = dill__nstack_cache ? dill__stack_cache[--dill__nstack_cache] :
            malloc(memlen);
        if(dill__slow(!mem)) {errno = ENOMEM; return NULL;}
        ownmem = 1;
    }
    struct dill__cr *cr = ownmem ? dill__cr_init(mem, memlen, DILL__AREA_SIZE) :
        dill__cr_init_user(mem, memlen,
            newbundle ? DILL__MIN_USER_MEM_GO : DILL__MIN_USER_MEM);
    if(dill__slow(!cr)) {errno = ENOMEM; return NULL;}
    cr->ownmem = ownmem;
    /* It starts from a copy of the running coroutine's frames. */
    cr->ctx.bottom = dill__running->ctx.bottom;
    if(newbundle) {
        b = malloc(sizeof(struct dill__bundle));
        int h = b ? dill__hmake(&dill__bundle_init(b, 0)->vfs) : -1;
        if(dill__slow(h < 0)) {
            int err = b ? errno : ENOMEM;
            free(b);
            if(ownmem) dill__stack_release(cr);
            else dill__save_free(cr);
            errno = err;
            return NULL;
        }
        dill__go_handle = h;
    }
    else if(b->closing) {
        cr->canceled = 1;
    }
    cr->bundle = b;
    dill__list_append(&b->crs, &cr->bitem);
    return cr;
}

/* Undo dill__go_prepare after a failed fork. */
static void dill__go_unprepare(struct dill__cr *cr, int newbundle, int handle) {
    dill__list_erase(&cr->bitem);
    if(newbundle) {
        free(cr->bundle);
        dill__hdrop(handle);
    }
    if(cr->ownmem) dill__stack_release(cr);
    else dill__save_free(cr);
}

/*
 * Returns twice: in the caller with the bundle handle for go() or 0 for
 * bundle_go() (or -1), and in the new coroutine with DILL__GO_CHILD.  This
 * frame must not use the C stack: in the child it returns on the parent's
 * frames, which Asyncify restored from the parent's.
 */
__attribute__((noinline, returns_twice))
int dill__go_fork(int newbundle, int bndl, void *mem, size_t memlen) {
    struct dill__cr *cr = dill__go_prepare(newbundle, bndl, mem, memlen);
    if(dill__slow(!cr)) return -1;
    int handle = newbundle ? dill__go_handle : 0;
    struct dill__cr *self = dill__running;
    /* The new coroutine runs at once; the caller waits its turn behind
       whoever is ready already, as upstream. */
    dill__ready_push(self);
    dill__running = cr;
    self->ctx.sp = dill__sp_get();
    dill__fiber_to = &cr->ctx;
    dill__fiber_forking = 1;
    dill__fiber_point(&self->ctx);
    int failed = dill__fiber_failed;
    dill__fiber_failed = 0;
    if(dill__slow(failed)) {
        /* The caller's frames did not fit the new coroutine's area. */
        dill__running = self;
        dill__ready_remove(self);
        dill__go_unprepare(cr, newbundle, handle);
        errno = ENOMEM;
        return -1;
    }
    if(dill__running == cr) return DILL__GO_CHILD;
    return handle;
}

int dill__go_exit(void) {
    struct dill__cr *self = dill__running;
    self->finished = 1;
    struct dill__bundle *b = self->bundle;
    if(b) {
        dill__list_erase(&self->bitem);
        self->bundle = NULL;
        if(b->orphan) {
            if(dill__list_empty(&b->crs) && !b->mem) free(b);
        }
        else {
            dill__bundle_wake(b);
        }
    }
    if(self->ownmem) {
        self->next_ready = dill__zombies;
        dill__zombies = self;
    }
    /* A finished coroutine's frames are not saved (started == 2 below). */
    if(self->ctx.save) dill__save_free(self);
    struct dill__cr *next = dill__ready_pop();
    dill__running = next;
    /* Unwinding the dead frames is cheaper than throwing them away; started
       == 2 tells the driver to reap the stack once it is off it. */
    self->ctx.started = 2;
    dill__switch(self, next);
    __builtin_unreachable();
}

/******************************************************************************/
/*  Entry points used by the JS driver                                        */
/******************************************************************************/

/* Nothing runnable: fire due timers and return who runs next (or NULL). */
DILL__EXPORT struct dill__ctx *dill__poll(void) {
    dill__last_idle = dill__now();
    dill__timers_fire(dill__last_idle);
    dill__fds_fire();
    struct dill__cr *next = dill__ready_pop();
    dill__running = next;
    return next ? &next->ctx : NULL;
}

/* When the idle loop should next call dill__poll (-1: only on events). */
DILL__EXPORT double dill__next_deadline(void) {
    return (double)dill__timers_next();
}

struct dill__cr *dill__cr_root(void (*entry)(struct dill__cr *cr), void *arg,
      uintptr_t base, uintptr_t limit) {
    struct dill__cr *cr = calloc(1, sizeof(struct dill__cr));
    size_t alen = 256 * 1024;
    void *area = malloc(alen);
    if(!cr || !area) {free(cr); free(area); return NULL;}
    cr->ctx.astart = cr->ctx.acur = (uintptr_t)area;
    cr->ctx.aend = (uintptr_t)area + alen;
    cr->ctx.stack_base = base;
    cr->ctx.stack_limit = limit;
    cr->ctx.sp = cr->ctx.stack_base;
    cr->timer.idx = -1;
    cr->entry = entry;
    cr->ctx.bottom = (uintptr_t)entry;
    cr->arg = arg;
    return cr;
}

/******************************************************************************/
/*  Coroutines started by the host (the TypeScript bindings)                  */
/******************************************************************************/

int dill__cr_ready(void) {
    return dill__ready_head != NULL;
}

struct dill__bundle *dill__bundle_of(int h) {
    return dill__hquery(h, dill__bundle_type);
}

struct dill__bundle *dill__cr_bundle(struct dill__cr *cr) {
    return cr->bundle;
}

struct dill__cr *dill__cr_spawn(struct dill__bundle *b,
      void (*entry)(struct dill__cr *cr), void *arg, size_t len, size_t alen) {
    if(dill__slow(b && b->closing)) {errno = ECANCELED; return NULL;}
    void *mem = malloc(len);
    if(dill__slow(!mem)) {errno = ENOMEM; return NULL;}
    struct dill__cr *cr = dill__cr_init(mem, len, alen);
    if(dill__slow(!cr)) {free(mem); errno = ENOMEM; return NULL;}
    cr->ownmem = 1;
    cr->entry = entry;
    cr->ctx.bottom = (uintptr_t)entry;
    cr->arg = arg;
    cr->bundle = b;
    if(b) dill__list_append(&b->crs, &cr->bitem);
    dill__ready_push(cr);
    return cr;
}

int dill__bundle_abandon(int h) {
    struct dill__bundle *b = dill__hquery(h, dill__bundle_type);
    if(!b) return 0;
    dill__hdrop(h);
    b->closing = 1;
    for(struct dill__list *it = b->crs.next; it != &b->crs; it = it->next)
        dill__cr_cancel(dill__cont(it, struct dill__cr, bitem));
    dill__bundle_wake(b);
    if(dill__list_empty(&b->crs)) {
        if(!b->mem) free(b);
    }
    else {
        b->orphan = 1;
    }
    return 1;
}
