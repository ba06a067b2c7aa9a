/*
 * The switch between coroutines, in wasm (Emscripten, Asyncify).
 *
 * A switch unwinds the running coroutine's wasm frames into its Asyncify
 * area and rewinds the next one's.  Both ends happen here, with no call
 * out to JavaScript: the coroutine calls dill__fiber_point (through a
 * pointer, see platform.h), which starts the unwind; dill__cr_run, the
 * loop at the bottom of every coroutine's stack, stops it and rewinds the
 * next coroutine, whose call of dill__fiber_point then stops the rewind.
 * The JS driver (wasm/shim/fiber.js) calls dill__cr_run, and gets control
 * back only when nobody is runnable, or when one of its own imports
 * blocked the whole program (DillFiber.blockWorld).
 *
 * Asyncify's functions (asyncify_start_unwind...) are added by binaryen
 * after linking: C imports them from the module "asyncify", which the pass
 * turns into direct calls.  None of dill__fiber_point, dill__cr_run and
 * dill__fiber_step is instrumented (the toolchain's ASYNCIFY_REMOVE): each
 * is sound so, because whenever it is called, entering or rewinding, it
 * makes the same call as the time before, and what it does after that
 * call while unwinding is the driver's own business.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../cr.h"
#include "platform.h"

/* The JS driver's abort(), with a message (fiber.js). */
void dill__js_abort(const char *msg);

static void dill__fiber_point_impl(struct dill__ctx *ctx);

/* Asyncify's own functions, imported from the module "asyncify": binaryen's
   Asyncify pass replaces such imports with direct calls of the functions it
   adds (which the optimizer after it may inline).  They exist only once the
   pass has run, so C cannot link against them otherwise. */
__attribute__((import_module("asyncify"), import_name("start_unwind")))
void dill__a_start_unwind(void *p);
__attribute__((import_module("asyncify"), import_name("stop_unwind")))
void dill__a_stop_unwind(void);
__attribute__((import_module("asyncify"), import_name("start_rewind")))
void dill__a_start_rewind(void *p);
__attribute__((import_module("asyncify"), import_name("stop_rewind")))
void dill__a_stop_rewind(void);
#define DILL__A_START_UNWIND(p) dill__a_start_unwind(p)
#define DILL__A_STOP_UNWIND() dill__a_stop_unwind()
#define DILL__A_START_REWIND(p) dill__a_start_rewind(p)
#define DILL__A_STOP_REWIND() dill__a_stop_rewind()

/* Called by the JS driver before anything runs. */
DILL__EXPORT void dill__fiber_setup(void) {
    dill__fiber_point = dill__fiber_point_impl;
}

struct dill__ctx *dill__fiber_to;
int dill__fiber_forking;
int dill__fiber_failed;
/* The coroutine dill__cr_run entered last (the JS driver's blockWorld
   unwinds it), or NULL outside dill__cr_run. */
static struct dill__ctx *dill__fiber_cur;
/* Set by dill__fiber_point: the unwind under way is a switch (else the JS
   driver began it). */
static int dill__fiber_switching;
/* Set by dill__cr_run: the rewind under way ends in dill__fiber_point
   (else in the JS driver's import that began its unwind).  Kept here
   rather than asked of Asyncify (asyncify_get_state): a call fewer. */
static int dill__fiber_rewinding;
/* A coroutine started by go() rewinding from its parent's frames, and the
   end of its own area meanwhile (dill__fiber_borrow). */
static struct dill__ctx *dill__fiber_borrower;
static uintptr_t dill__fiber_borrower_end;

static void dill__fiber_point_impl(struct dill__ctx *ctx) {
    if(dill__fiber_rewinding) {
        /* The way back in: the rewind is done. */
        dill__fiber_rewinding = 0;
        DILL__A_STOP_REWIND();
        struct dill__ctx *b = dill__fiber_borrower;
        if(b) {
            dill__fiber_borrower = NULL;
            b->acur = b->astart;
            b->aend = dill__fiber_borrower_end;
        }
        return;
    }
    ctx->acur = ctx->astart;
    ctx->unwinding = 1;
    dill__fiber_switching = 1;
    DILL__A_START_UNWIND(&ctx->acur);
}
/* Set by dill__fiber_setup, which the driver calls (so the function is in
   every program: the toolchain names it to Asyncify). */
void (*dill__fiber_point)(struct dill__ctx *ctx);

/* For the JS driver (blockWorld): the coroutine running, or NULL. */
DILL__EXPORT struct dill__ctx *dill__fiber_current(void) {
    return dill__fiber_cur;
}

/* Make room for `len` bytes of saved frames; 0 if the heap is exhausted. */
static int dill__save_room(struct dill__ctx *ctx, uint32_t len) {
    if(len <= ctx->savecap) return 1;
    uint32_t cap = ctx->savecap * 2;
    if(cap < len) cap = (len + 255) & ~(uint32_t)255;
    void *p = realloc((void*)ctx->save, cap);
    if(!p) return 0;
    ctx->save = (uintptr_t)p;
    ctx->savecap = cap;
    return 1;
}

/* A coroutine unwound into the scratch area: keep its frames. */
static void dill__save_out(struct dill__ctx *ctx) {
    uint32_t len = ctx->acur - ctx->astart;
    /* Its frames cannot be kept anywhere: the coroutine cannot go on. */
    if(!dill__save_room(ctx, len))
        dill__js_abort("libdill: out of memory saving a suspended coroutine");
    memcpy((void*)ctx->save, (void*)ctx->astart, len);
    ctx->savelen = len;
}

/* Put a coroutine's frames back into the scratch area to rewind it. */
static void dill__save_in(struct dill__ctx *ctx) {
    memcpy((void*)ctx->astart, (void*)ctx->save, ctx->savelen);
    ctx->acur = ctx->astart + ctx->savelen;
}

/* Start `child` from the frames of `parent`, just unwound: it rewinds
   straight from where they are saved (a rewind only reads them, and the
   parent is rewound from them later); its own area takes its frames from
   its first unwind on (dill__fiber_point).  Returns who runs next: the
   child, or the parent if its frames do not fit where the child keeps its
   own (it runs on top of them): its fork fails. */
static struct dill__ctx *dill__fiber_borrow(struct dill__ctx *parent,
      struct dill__ctx *child) {
    uintptr_t start = parent->save ? parent->save : parent->astart;
    uint32_t used = parent->save ? parent->savelen : parent->acur - parent->astart;
    int fits = child->save ? dill__save_room(child, used) :
        used <= child->aend - child->astart;
    if(!fits) {
        dill__fiber_failed = 1;
        return parent;
    }
    dill__fiber_borrower = child;
    dill__fiber_borrower_end = child->aend;
    child->acur = start + used;
    child->aend = start + used;
    child->started = 1;
    return child;
}

/* Why dill__cr_run returned (its result). */
static int dill__fiber_rc;
/* Asyncify's state is still `unwinding` (dill__fiber_step). */
static int dill__fiber_unwound;

/* One turn of dill__cr_run: enter or rewind `ctx`, and once it has unwound,
   return who runs next (NULL: dill__cr_run returns dill__fiber_rc).  A
   function of its own, called from two places (so that no optimizer
   inlines it): V8 optimizes a wasm function for its later calls only, and
   dill__cr_run's loop may go on for as long as the program runs. */
static struct dill__ctx *dill__fiber_step(struct dill__ctx *ctx, int byjs) {
    if(ctx->started) {
        if(ctx->save && ctx != dill__fiber_borrower) dill__save_in(ctx);
        dill__fiber_rewinding = !byjs;
        dill__fiber_unwound = 0;
        DILL__A_START_REWIND(&ctx->acur);
    }
    else {
        ctx->started = 1;
        if(dill__fiber_unwound) {dill__fiber_unwound = 0; DILL__A_STOP_UNWIND();}
    }
    dill__fiber_cur = ctx;
    dill__sp_set(ctx->sp);
    ((void (*)(struct dill__cr*))ctx->bottom)((struct dill__cr*)ctx);
    dill__fiber_cur = NULL;
    /* Whoever starts an unwind sets `unwinding`. */
    if(!ctx->unwinding) {dill__fiber_rc = 2; return NULL;}
    ctx->unwinding = 0;
    if(ctx->started == 2) {
        /* A finished coroutine: its stack is free now (and its Asyncify
           data with it: done with that first). */
        DILL__A_STOP_UNWIND();
        dill__reap();
    }
    else {
        /* Asyncify stays unwinding until the next rewind begins (else
           dill__fiber_unwound: until something else would run): nothing
           instrumented runs meanwhile (copying frames, forking).  A call
           fewer per switch; asyncify_stop_unwind's check is this one. */
        dill__fiber_unwound = 1;
        if(ctx->acur > ctx->aend)
            dill__js_abort("libdill: a coroutine's frames overflowed its Asyncify area");
        if(ctx->save) dill__save_out(ctx);
    }
    if(!dill__fiber_switching) {dill__fiber_rc = 1; return NULL;}
    dill__fiber_switching = 0;
    struct dill__ctx *next = dill__fiber_to;
    dill__fiber_to = NULL;
    if(dill__fiber_forking) {
        dill__fiber_forking = 0;
        next = dill__fiber_borrow(ctx, next);
    }
    dill__fiber_rc = 0;
    return next;
}

/* Called by the JS driver: runs `ctx`, then whoever it switches to, and so
   on.  Returns 0 once a switch goes to nobody (go idle), 1 if the JS side
   began the unwind (blockWorld), 2 if a coroutine's bottom function
   returned (it never does).  `byjs`: ctx resumes in the JS import that
   blocked it (blockWorld). */
DILL__EXPORT int dill__cr_run(struct dill__ctx *ctx, int byjs) {
    ctx = dill__fiber_step(ctx, byjs);
    while(ctx) ctx = dill__fiber_step(ctx, 0);
    if(dill__fiber_unwound) {dill__fiber_unwound = 0; DILL__A_STOP_UNWIND();}
    return dill__fiber_rc;
}
