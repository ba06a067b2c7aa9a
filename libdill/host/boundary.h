/*
 * The boundary between the library module (C compiled to wasm) and its
 * TypeScript bindings (src/host/): everything both sides must agree on,
 * written once.  The C of libdill/host/ (and the generated
 * wasm/build/gen/host_calls.c) includes it; scripts/gen-boundary.js reads it
 * and writes
 *   src/gen/boundary.ts          the constants, the typed exports, the
 *                                hooks' types, and the export and Asyncify
 *                                import lists src/toolchain.ts gives emcc
 *   wasm/build/gen/host-hooks.js the Emscripten JS library of the hooks
 *                                (DillHost)
 * Both are build outputs (`make build` regenerates them).
 *
 * What the generator reads (comments and everything else it ignores):
 *   #define DILL__NAME <integer>     a constant: NAME in TypeScript
 *   enum { DILL__NAME, ... };        constants too, numbered as C does
 *   DILL__EXPORT <prototype>;        a function of libdill/host/ the
 *                                    bindings call (kept alive, exported)
 *   DILL__CALLS <prototype>;         a function of the library or of libc
 *                                    the bindings call (exported); the
 *                                    compiler checks the prototype against
 *                                    the real one
 *   DILL__HOOK(onName) <prototype>;  a function C imports from JS: the
 *                                    bindings answer it with DillHost.onName
 *   DILL__MAY_SUSPEND(name)          an import of the shim (wasm/shim/) that
 *                                    may suspend the program: an Asyncify
 *                                    import, for the library module and for
 *                                    C programs (dillcc) alike
 * Every pointer, int, size and deadline crosses as a JS number (a double
 * holds each exactly).
 */
#ifndef DILL_HOST_BOUNDARY_H_INCLUDED
#define DILL_HOST_BOUNDARY_H_INCLUDED

#include <stddef.h>
#include <emscripten.h>

/* DILL__EXPORT (kept alive by the linker, exported by the module) is the
   platform's: the core marks its entry points with it too. */
#include "../src/platform/platform.h"
#define DILL__CALLS
#define DILL__HOOK(name) extern
#define DILL__MAY_SUSPEND(name)

struct dill__cr;
struct dill__host_task;
struct dill__jsh_op;
struct dill_iolist;

/******************************************************************************/
/*  The argument block of a call from TypeScript (libdill/host/host.c)       */
/******************************************************************************/

/* DILL__BLOCK_SIZE bytes: first DILL__BLOCK_SLOTS doubles, then room for the
   call's small buffers, strings and iolists (which so need no malloc). */
#define DILL__BLOCK_SIZE 512
#define DILL__BLOCK_SLOTS 24
/* The doubles: */
#define DILL__BLOCK_CALL 0      /* index of the call (in dill__host_calls) */
#define DILL__BLOCK_ERRNO 1     /* the caller's errno in, the call's out */
#define DILL__BLOCK_RESULT 2    /* the result */
#define DILL__BLOCK_ARG0 3      /* the arguments, in C order */

/******************************************************************************/
/*  C structs the bindings build or read in the library's memory             */
/******************************************************************************/

/* struct dill_iolist (libdill.h): byte offsets of its fields. */
#define DILL__IOLIST_SIZE 16
#define DILL__IOLIST_BASE 0
#define DILL__IOLIST_LEN 4
#define DILL__IOLIST_NEXT 8
#define DILL__IOLIST_RSVD 12

/* struct dill_chclause (libdill.h). */
#define DILL__CHCLAUSE_SIZE 16
#define DILL__CHCLAUSE_OP 0
#define DILL__CHCLAUSE_CH 4
#define DILL__CHCLAUSE_VAL 8
#define DILL__CHCLAUSE_LEN 12

/* The address families of this build (musl's), as ipaddr_family returns
   them, and the sizes of their struct sockaddr. */
#define DILL__AF_INET 2
#define DILL__AF_INET6 10
#define DILL__SOCKADDR_IN_SIZE 16
#define DILL__SOCKADDR_IN6_SIZE 28

/* The direction of a bsend/brecv-like call (dill__host_fast, _nowait, and
   the shim's dill__js_fd_nowait). */
enum {DILL__DIR_SEND, DILL__DIR_RECV};

/******************************************************************************/
/*  Handles made in TypeScript (libdill/host/jshandle.c)                     */
/******************************************************************************/

/* The operations JS runs for C. */
enum {DILL__JSH_BSENDL, DILL__JSH_BRECVL, DILL__JSH_MSENDL, DILL__JSH_MRECVL};
/* The interfaces: the bytestream and the message one. */
enum {DILL__JSH_BSOCK = 1, DILL__JSH_MSOCK = 2};
/* Where JS writes an operation's outcome in its struct dill__jsh_op: the
   result (a double) and the errno (an int). */
#define DILL__JSH_OP_RC 8
#define DILL__JSH_OP_ERR 16

/******************************************************************************/
/*  Functions the bindings call                                              */
/******************************************************************************/

/* Calls (host.c).  The one whose argument block is `a`, at once. */
DILL__EXPORT void dill__host_sync(double *a);
/* 1 if some coroutine is runnable (JS then runs the scheduler). */
DILL__EXPORT int dill__host_ready(void);
/* The call as a coroutine of its own, in task t's bundle; NULL with errno. */
DILL__EXPORT struct dill__cr *dill__host_spawn(double *a,
    struct dill__host_task *t);
/* The argument block of the call whose coroutine is running, or NULL. */
DILL__EXPORT double *dill__host_current(void);
/* Cancels a call's coroutine: the call fails with ECANCELED. */
DILL__EXPORT void dill__host_cancel(struct dill__cr *cr);

/* Tasks: the coroutines of TypeScript async functions (host.c). */
DILL__EXPORT struct dill__host_task *dill__host_task_start(int bndl);
DILL__EXPORT void dill__host_task_end(struct dill__host_task *t);
DILL__EXPORT int dill__host_task_canceled(struct dill__host_task *t);

/* bsend and brecv in JS (host.c, src/host/fastio.ts); dir is DILL__DIR_*. */
DILL__EXPORT int dill__host_nowait(int h, int dir, double len);
DILL__EXPORT int dill__host_fast(int h, int dir, struct dill__host_task *t);
DILL__EXPORT int *dill__host_park(int h);
DILL__EXPORT int dill__host_unpark(int *parked, int fail);
DILL__EXPORT void dill__host_txfail(int h);

/* Handles made in TypeScript (jshandle.c). */
DILL__EXPORT int dill__host_hmake(int id);
DILL__EXPORT int dill__host_jsh_id(int h);
DILL__EXPORT void dill__host_jsh_done(struct dill__jsh_op *op);
DILL__EXPORT const void *dill__host_type(int which);

/* The library's and libc's. */
DILL__CALLS void *malloc(size_t size);
DILL__CALLS void free(void *ptr);
DILL__CALLS int *__errno_location(void);
DILL__CALLS char *strerror(int errnum);
DILL__CALLS void *dill_hquery(int h, const void *type);

/******************************************************************************/
/*  Functions C imports from the bindings (DillHost, set by src/host/)       */
/******************************************************************************/

/* The call with argument block `a` (started by dill__host_spawn) finished. */
DILL__HOOK(onDone) void dill__js_host_done(double *a);
/* socks5_proxy_auth's auth_fn, for the call with argument block `a`. */
DILL__HOOK(onAuth) int dill__js_host_auth(double *a, const char *username,
    const char *password);
/* Task t was canceled (hclose of its bundle): its calls waiting in JS fail. */
DILL__HOOK(onTaskCanceled) void dill__js_host_task_canceled(
    struct dill__host_task *t);
/* 0 if TypeScript object `id` offers interface `which` (DILL__JSH_BSOCK,
   DILL__JSH_MSOCK), else the errno. */
DILL__HOOK(onJshQuery) int dill__js_jsh_query(int id, int which);
/* The handle of TypeScript object `id` is closed. */
DILL__HOOK(onJshClose) void dill__js_jsh_close(int id);
/* Starts operation `kind` of object `id` on the iolist first..last: 0 if it
   finished at once (op's rc and err written), 1 if C must wait for
   dill__host_jsh_done(op). */
DILL__HOOK(onJshStart) int dill__js_jsh_start(int id, int kind,
    struct dill__jsh_op *op, struct dill_iolist *first,
    struct dill_iolist *last, double deadline);
/* The waiting coroutine gave up on `op` (deadline, cancellation). */
DILL__HOOK(onJshAbandon) void dill__js_jsh_abandon(struct dill__jsh_op *op);

/******************************************************************************/
/*  Imports of the shim that may suspend the program (Asyncify imports)      */
/******************************************************************************/

/* Coroutine switches need none: they unwind from wasm (libdill/src/
   platform/fiber.c). */
/* System calls that block the whole program on blocking descriptors
   (wasm/shim/syscalls-io.js). */
DILL__MAY_SUSPEND(wasi_snapshot_preview1.fd_read)
DILL__MAY_SUSPEND(wasi_snapshot_preview1.fd_write)
DILL__MAY_SUSPEND(__syscall_recvfrom)
DILL__MAY_SUSPEND(__syscall_sendto)
DILL__MAY_SUSPEND(__syscall_poll)
DILL__MAY_SUSPEND(__syscall_bind)
DILL__MAY_SUSPEND(__syscall_accept4)
DILL__MAY_SUSPEND(__syscall_connect)
DILL__MAY_SUSPEND(__syscall_sendmsg)
DILL__MAY_SUSPEND(__syscall_recvmsg)

#endif
