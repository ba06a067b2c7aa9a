/*
 * The platform interface: all that the portable core of the library (the
 * files of libdill/src) asks of the machine it runs on, and the mark of
 * the core functions that machine's driver calls.  No file of the core
 * includes a header of the platform's (<emscripten.h>...) or declares a
 * function of it anywhere else.
 *
 * The one platform today is Emscripten with Asyncify, on Node.js.  Most of
 * it is JavaScript: the functions named dill__js_* below are imports of
 * the wasm module, implemented by the JS libraries in wasm/shim/ (their
 * names are the ones the shim defines: keep them in step).  Its C side is
 * in this folder: posix.c (POSIX calls Emscripten lacks) and main.c (the
 * entry of a C program).
 *
 * Descriptors (sockets, pipes, the lookups and TLS engines below) are the
 * platform's, used with the ordinary POSIX calls (read, close, sendmsg...).
 */
#ifndef DILL_PLATFORM_H_INCLUDED
#define DILL_PLATFORM_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct dill__ctx;

/******************************************************************************/
/*  Entry points of the core                                                  */
/******************************************************************************/

/* Marks a function of the core that the platform's driver calls by name
   (dill__poll, dill__reap...): the linker keeps it, and
   the module exports it. */
#define DILL__EXPORT __attribute__((used))

/******************************************************************************/
/*  Coroutines (cr.c; platform/fiber.c and JS: the fiber driver)              */
/******************************************************************************/

/* A coroutine suspends by saying where to go on, dill__fiber_to (a
   coroutine's context, or NULL: the driver's idle loop, which waits on the
   event loop, then asks dill__poll who runs next), putting its C stack
   pointer (dill__sp_get) in its context, and calling dill__fiber_point
   with its context (platform/fiber.c).  It must call it through the
   pointer: Asyncify then instruments every function on the way there, as
   an indirect call may unwind.  The call returns when somebody resumes
   the coroutine.  With dill__fiber_forking set, `to` starts as a copy of
   the caller's frames instead (go(), which tells the two apart by
   dill__running); dill__fiber_failed is then set, in the caller only, if
   they do not fit the new coroutine's Asyncify area. */
extern void (*dill__fiber_point)(struct dill__ctx *ctx);
extern struct dill__ctx *dill__fiber_to;
extern int dill__fiber_forking;
extern int dill__fiber_failed;

/* The C stack pointer: read it, set it (platform/stack.c). */
uintptr_t dill__sp_get(void);
void dill__sp_set(uintptr_t sp);

/* The driver (platform/fiber.c, dill__cr_run) enters a coroutine, fresh or
   rewinding, by setting its C stack pointer and calling its bottom
   function (ctx->bottom) with its context.  Once a coroutine has finished
   (started == 2) and is off its stack, the driver calls the core's
   dill__reap. */

/* Asks the driver, at the next switch to its idle loop (to NULL), to give the event loop one turn and then carry on at once,
   though nothing it waits for is due: I/O and timers must not starve
   behind busy coroutines. */
void dill__js_breathe(void);

/******************************************************************************/
/*  The clock (timer.c; JS: the fiber driver)                                 */
/******************************************************************************/

/* Milliseconds on a monotonic clock; never reads 0 or -1 (deadlines). */
double dill__js_now(void);

/******************************************************************************/
/*  Readiness of descriptors (poller.c; JS: the socket layer)                 */
/******************************************************************************/

/* Directions of fd_check, fd_watch and, as a mask, fd_events. */
#define DILL__FD_IN 1
#define DILL__FD_OUT 2

/* 1 if descriptor fd is ready in direction `dir`, 0 if not, -1 if it is no
   descriptor. */
int dill__js_fd_check(int fd, int dir);
/* Starts (on = 1) or stops (0) reporting when fd may have become ready in
   direction `dir`. */
void dill__js_fd_watch(int fd, int dir, int on);
/* fd is closing: forget it (what it watched, what it reported). */
void dill__js_fd_clean(int fd);
/* Takes up to `max` reports of watched descriptors that may have become
   ready: pairs (fd, mask of directions) in buf[0..2*max).  Returns their
   number (fewer than max: there are no more). */
int dill__js_fd_events(int *buf, int max);

/******************************************************************************/
/*  Names (ipaddr.c; JS: the resolver)                                        */
/******************************************************************************/

/* An address found: 20 bytes, as the JS side writes them. */
struct dill__ipentry {
    int32_t family;               /* AF_INET or AF_INET6 */
    unsigned char addr[16];       /* network order, zero-padded */
};

/* Starts resolving host name `name` (family AF_INET, AF_INET6, or 0 for
   both): a descriptor that becomes readable when the answer is in, or
   -errno. */
int dill__js_resolve_start(const char *name, int family);
/* The answer of lookup descriptor fd: up to `max` entries (struct
   dill__ipentry) into out; their number, or -errno (the resolver's
   error).  The caller then closes fd. */
int dill__js_resolve_take(int fd, void *out, int max);
/* An address of `family` of the local interface called `name` into out20
   (a struct dill__ipentry): 1, or 0 if it has none, or -errno (ENODEV:
   there is no such interface). */
int dill__js_ifaddr(const char *name, int family, void *out20);

/******************************************************************************/
/*  The TLS engine (tls.c; JS: the TLS engine)                                */
/******************************************************************************/

/* An engine is a descriptor: readable when a receiver may have something
   to do (plaintext, the peer's close_notify, an error, a settle done),
   writable when a sender may.  None of these calls blocks; those returning
   int return -errno on failure. */

/* Bits of dill__js_tls_state. */
#define DILL__TLS_PLAIN 1         /* plaintext waits to be read */
#define DILL__TLS_OUT 2           /* ciphertext waits to be sent */
#define DILL__TLS_SECURE 4        /* the handshake is done */
#define DILL__TLS_ENDED 8         /* the peer's close_notify came, after its data */
#define DILL__TLS_ERROR 16        /* failed: dill__js_tls_error tells why */
#define DILL__TLS_WRITING 32      /* a plaintext write not yet taken in */
#define DILL__TLS_FINAL 64        /* our close_notify has been produced */

/* Directions of dill__js_tls_arm and dill__js_tls_poke. */
#define DILL__TLS_IN 1
#define DILL__TLS_TX 2

/* A new engine, client or server (with the PEM files cert and key); ca (a
   PEM file, "system" or NULL: no check) and host (NULL: not checked) are
   the client's checks of the server.  Its descriptor, or -errno. */
int dill__js_tls_open(int server, const char *cert, const char *key,
    const char *ca, const char *host);
/* The state bits of engine fd (DILL__TLS_*), or -errno. */
int dill__js_tls_state(int fd);
/* The errno of a failed engine (0 if it has not failed). */
int dill__js_tls_error(int fd);
/* Gives the engine ciphertext from the peer: one whole record. */
int dill__js_tls_feed(int fd, const void *buf, size_t len);
/* Takes up to len bytes of plaintext into buf (NULL: dropped); how many. */
int dill__js_tls_read(int fd, void *buf, size_t len);
/* Takes up to max bytes of ciphertext to send into buf; how many. */
int dill__js_tls_take(int fd, void *buf, size_t max);
/* Writes plaintext; `last` if it is the last piece of the caller's send. */
int dill__js_tls_write(int fd, const void *buf, size_t len, int last);
/* Ends our side: the engine produces our close_notify. */
int dill__js_tls_end(int fd);
/* Makes engine fd report direction `dir` when there is something for it
   (or, with `settle`, once the event loop has taken one more turn). */
void dill__js_tls_arm(int fd, int dir, int settle);
/* Makes fd report direction `dir` now: wakes a coroutine waiting there. */
void dill__js_tls_poke(int fd, int dir);
/* 1 if engine fd has nothing deferred (a settle would show nothing new). */
int dill__js_tls_quiet(int fd);

/******************************************************************************/
/*  POSIX calls                                                               */
/******************************************************************************/

/* socketpair, shutdown, pipe2 and setsockopt work (Emscripten's own are
   stubs failing with ENOSYS: posix.c replaces them).  Nothing to declare:
   the core calls them by their POSIX names. */

#endif
