/*
 * The host side of the TypeScript bindings: how calls from JavaScript enter
 * the library.  Linked only into the library module (wasm/build/host), not
 * into C programs.
 *
 * Every call from TypeScript fills an argument block of doubles (a double
 * holds every int, size_t, pointer and deadline exactly), laid out in
 * boundary.h (DILL__BLOCK_*): the index of the call, the errno in and out,
 * the result, the arguments in C order.
 * A call that cannot block runs at once on the JS caller's stack
 * (dill__host_sync).  A call that can block runs as a coroutine of its own
 * (dill__host_spawn), so concurrent calls from TypeScript behave like
 * concurrent C coroutines; dill__js_host_done tells JS when it finished.
 *
 * A TypeScript coroutine (go(async () => ...)) is a placeholder coroutine in
 * its bundle (a "task") that waits until the async function ends: so
 * bundle_wait and hclose see it as C would.  Calls made inside it run in the
 * same bundle, and hclose of the bundle cancels them.
 */
#include <errno.h>
#include <stdlib.h>
#include <emscripten.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "../include/libdill.h"
#include "boundary.h"
#include "../src/cr.h"
#include "../src/fdsock.h"
#include "../src/handle.h"
#include "../src/utils.h"

/* From the generated wasm/build/gen/host_calls.c. */
extern void (*const dill__host_calls[])(double *a);
extern const int dill__host_ncalls;

/* What src/host/ relies on of the C structs it builds and reads. */
_Static_assert(sizeof(struct dill_iolist) == DILL__IOLIST_SIZE &&
    offsetof(struct dill_iolist, iol_base) == DILL__IOLIST_BASE &&
    offsetof(struct dill_iolist, iol_len) == DILL__IOLIST_LEN &&
    offsetof(struct dill_iolist, iol_next) == DILL__IOLIST_NEXT &&
    offsetof(struct dill_iolist, iol_rsvd) == DILL__IOLIST_RSVD,
    "struct dill_iolist as boundary.h describes it");
_Static_assert(sizeof(struct dill_chclause) == DILL__CHCLAUSE_SIZE &&
    offsetof(struct dill_chclause, op) == DILL__CHCLAUSE_OP &&
    offsetof(struct dill_chclause, ch) == DILL__CHCLAUSE_CH &&
    offsetof(struct dill_chclause, val) == DILL__CHCLAUSE_VAL &&
    offsetof(struct dill_chclause, len) == DILL__CHCLAUSE_LEN,
    "struct dill_chclause as boundary.h describes it");
_Static_assert(DILL__AF_INET == AF_INET && DILL__AF_INET6 == AF_INET6 &&
    DILL__SOCKADDR_IN_SIZE == sizeof(struct sockaddr_in) &&
    DILL__SOCKADDR_IN6_SIZE == sizeof(struct sockaddr_in6),
    "the address families as boundary.h describes them");
_Static_assert(DILL__BLOCK_SLOTS * 8 <= DILL__BLOCK_SIZE,
    "the argument block holds its doubles");

/* A call's coroutine: its C stack and its area for saved wasm frames.  The
   library's call chains are shallow. */
#define DILL__CALL_STACK (48 * 1024)
#define DILL__CALL_AREA (16 * 1024)
/* A task only waits. */
#define DILL__TASK_STACK (8 * 1024)
#define DILL__TASK_AREA (4 * 1024)

DILL__EXPORT void dill__host_sync(double *a) {
    dill__host_calls[(int)a[DILL__BLOCK_CALL]](a);
}

/* 1 if some coroutine is runnable (JS then runs the scheduler). */
DILL__EXPORT int dill__host_ready(void) {
    return dill__cr_ready();
}

/******************************************************************************/
/*  Tasks: the coroutines of TypeScript async functions                      */
/******************************************************************************/

enum { DILL__TASK_RUNNING, DILL__TASK_CO_EXITED, DILL__TASK_JS_ENDED };

struct dill__host_task {
    struct dill__list waiters;   /* the placeholder's clause */
    struct dill__cr *cr;         /* the placeholder, NULL once it exited */
    int state;
    int canceled;
};

static void dill__task_entry(struct dill__cr *cr) {
    struct dill__host_task *t = cr->arg;
    if(t->state != DILL__TASK_JS_ENDED) {
        struct dill__clause cl;
        dill__waitfor(&cl, 0, &t->waiters);
        if(dill__wait(-1) < 0) {
            t->canceled = 1;
            dill__js_host_task_canceled(t);
        }
    }
    t->cr = NULL;
    if(t->state == DILL__TASK_JS_ENDED) free(t);
    else t->state = DILL__TASK_CO_EXITED;
    dill__go_exit();
}

/* Starts the task of an async function in bundle `bndl`; NULL with errno
   (EBADF, ENOTSUP, ECANCELED, ENOMEM) as bundle_go would give. */
DILL__EXPORT struct dill__host_task *dill__host_task_start(int bndl) {
    struct dill__bundle *bundle = dill__bundle_of(bndl);
    if(dill__slow(!bundle)) return NULL;
    struct dill__host_task *t = malloc(sizeof(*t));
    if(dill__slow(!t)) {errno = ENOMEM; return NULL;}
    dill__list_init(&t->waiters);
    t->state = DILL__TASK_RUNNING;
    t->canceled = 0;
    t->cr = dill__cr_spawn(bundle, dill__task_entry, t, DILL__TASK_STACK,
        DILL__TASK_AREA);
    if(dill__slow(!t->cr)) {int err = errno; free(t); errno = err; return NULL;}
    return t;
}

/* The async function ended. */
DILL__EXPORT void dill__host_task_end(struct dill__host_task *t) {
    if(t->state == DILL__TASK_CO_EXITED) {free(t); return;}
    t->state = DILL__TASK_JS_ENDED;
    if(!dill__list_empty(&t->waiters))
        dill__trigger(dill__cont(t->waiters.next, struct dill__clause, item), 0);
}

/* 1 if the task's coroutine has been canceled (hclose of its bundle). */
DILL__EXPORT int dill__host_task_canceled(struct dill__host_task *t) {
    return t->canceled || (t->cr && t->cr->canceled);
}

/******************************************************************************/
/*  Calls that can block                                                      */
/******************************************************************************/

static void dill__call_entry(struct dill__cr *cr) {
    double *a = cr->arg;
    dill__host_calls[(int)a[DILL__BLOCK_CALL]](a);
    dill__js_host_done(a);
    dill__go_exit();
}

/* The argument block of the call from TypeScript whose coroutine is running,
   or NULL (a coroutine C started). */
DILL__EXPORT double *dill__host_current(void) {
    if(dill__running && dill__running->entry == dill__call_entry)
        return dill__running->arg;
    return NULL;
}

/* Makes the call a runnable coroutine (in the task's bundle); returns it, or
   NULL with errno (ECANCELED if the task was canceled, ENOMEM). */
DILL__EXPORT struct dill__cr *dill__host_spawn(double *a,
      struct dill__host_task *t) {
    struct dill__bundle *b = NULL;
    if(t) {
        if(dill__slow(dill__host_task_canceled(t))) {errno = ECANCELED; return NULL;}
        if(t->cr) b = dill__cr_bundle(t->cr);
    }
    return dill__cr_spawn(b, dill__call_entry, a, DILL__CALL_STACK + DILL__CALL_AREA,
        DILL__CALL_AREA);
}

/* From wasm/shim/poller.js: would a send or receive (dir, DILL__DIR_*) of
   len bytes on descriptor fd complete without waiting? */
extern int dill__js_fd_nowait(int fd, int dir, double len);

/* 1 if bsend/bsendl (DILL__DIR_SEND) or brecv/brecvl (DILL__DIR_RECV) of
   len bytes on handle h would complete without waiting: JS then runs it as
   a call that cannot block (on its own stack, dill__host_sync), which
   spares the coroutine and the trip through the scheduler.  Only for IPC
   and TCP sockets, whose readiness the socket layer knows exactly. */
DILL__EXPORT int dill__host_nowait(int h, int dir, double len) {
    int fd = dill__fdsock_fd(h);
    return fd >= 0 && dill__js_fd_nowait(fd, dir, len);
}

/******************************************************************************/
/*  bsend and brecv from TypeScript without a coroutine                      */
/******************************************************************************/

/* src/host/fastio.ts runs bsend and brecv on IPC and TCP connections in JS
   when it can: a send the socket layer takes whole at once, a receive whose
   bytes are there or, when they are not, a receive that waits in JS for
   them (parked) instead of in a coroutine.  Anything else (an error, the
   end of the stream, a send that must wait) goes the general way, through
   the functions of fdsock.c, which also offers what is done here. */

/* The descriptor of handle h if it is an IPC or TCP connection that can
   send or receive (dir) now, and task t (if any) is not canceled;
   else -1 (the call goes the general way, which tells why). */
DILL__EXPORT int dill__host_fast(int h, int dir,
      struct dill__host_task *t) {
    if(dill__slow(t && dill__host_task_canceled(t))) return -1;
    return dill__fdsock_ready_fd(h, dir == DILL__DIR_RECV);
}

/* A receive from TypeScript on handle h (checked by dill__host_fast just
   before) waits in JS: receiving is busy until JS clears the flag whose
   address this returns (or calls dill__host_unpark).  NULL if h is not one
   of these sockets after all. */
DILL__EXPORT int *dill__host_park(int h) {
    return dill__fdsock_park(h);
}

/* The parked receive with flag `parked` ends without its bytes: `fail`
   makes receiving unusable, as a receive that timed out or was canceled
   in fdsock.c does.  Returns 1 if the socket was closed meanwhile (it is
   freed now). */
DILL__EXPORT int dill__host_unpark(int *parked, int fail) {
    return dill__fdsock_unpark(parked, fail);
}

/* A send from TypeScript on handle h failed in the socket layer: sending
   is unusable, as after a failed send in fdsock.c. */
DILL__EXPORT void dill__host_txfail(int h) {
    dill__fdsock_txfail(h);
}

/* Cancels a pending call (AbortSignal): it fails with ECANCELED. */
DILL__EXPORT void dill__host_cancel(struct dill__cr *cr) {
    dill__cr_cancel(cr);
}

/******************************************************************************/
/*  Callbacks into TypeScript                                                 */
/******************************************************************************/

/* C has no way to hand a TS function to socks5_proxy_auth, and the callback
   type carries no user data: the generated thunk passes this fixed function
   instead, and JS finds the TS function through the argument block of the
   call that is running (the call's coroutine, dill__call_entry, holds it).
   The TS function runs synchronously on this coroutine's stack (through
   the hook dill__js_host_auth); src/host/ refuses any call into the
   library from inside it. */

int dill__host_socks5_auth(const char *username, const char *password) {
    /* Only a call from TS (a coroutine of dill__call_entry) gets here. */
    if(dill__slow(!dill__running || dill__running->entry != dill__call_entry))
        return 0;
    return dill__js_host_auth(dill__running->arg, username, password);
}

/* hclose from TypeScript: never waits.  A bundle's coroutines are canceled
   and finish on their own; anything else closes as in C. */
int dill__host_hclose(int h) {
    if(dill__bundle_abandon(h)) return 0;
    return dill_hclose(h);
}
