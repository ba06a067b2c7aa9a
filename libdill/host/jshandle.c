/*
 * Handles implemented in TypeScript: hmake() from src/host/jshandle.ts.
 *
 * The TypeScript object (its query and close, and the bytestream or message
 * interface query hands out) lives in src/host/jshandle.ts under a number, `id`.  Here
 * it gets what C needs to treat it like any other handle: a struct dill_hvfs
 * for the handle table and a struct dill_bsock_vfs / dill_msock_vfs whose
 * functions forward to it.  So bsend(), msend(), prefix_attach()... work on
 * it from TypeScript and from C alike.
 *
 * A forwarded operation (bsendl, brecvl, msendl, mrecvl) is started in JS
 * with the iolist; the TS function may finish at once or return a Promise.
 * Meanwhile the calling coroutine waits here like any blocked libdill call:
 * other coroutines run, its deadline applies, and cancellation (hclose of
 * its bundle, an AbortSignal) ends the wait with ECANCELED.  A wait that
 * ends so abandons the operation: JS aborts the TS function's signal and
 * never touches the operation again.
 */
#include <errno.h>
#include <stdlib.h>
#include <emscripten.h>

#include "../include/libdillimpl.h"
#include "boundary.h"
#include "../src/cr.h"
#include "../src/handle.h"
#include "../src/utils.h"

struct dill__jsh {
    struct dill_hvfs hvfs;
    struct dill_bsock_vfs bvfs;
    struct dill_msock_vfs mvfs;
    int id;
};

/* One forwarded operation, on the stack of the coroutine waiting for it.
   (The operation codes, the interfaces and the hooks dill__js_jsh_* that
   src/host/jshandle.ts answers are in boundary.h.) */
struct dill__jsh_op {
    struct dill__list waiters;
    double rc;     /* written by JS */
    int err;       /* written by JS */
};
_Static_assert(offsetof(struct dill__jsh_op, rc) == DILL__JSH_OP_RC &&
    offsetof(struct dill__jsh_op, err) == DILL__JSH_OP_ERR,
    "struct dill__jsh_op as boundary.h describes it");

static void *dill__jsh_query(struct dill_hvfs *vfs, const void *type) {
    struct dill__jsh *j = dill__cont(vfs, struct dill__jsh, hvfs);
    int which = type == dill_bsock_type ? DILL__JSH_BSOCK :
        type == dill_msock_type ? DILL__JSH_MSOCK : 0;
    /* Other C types (another protocol's own) are not TypeScript's to answer. */
    if(!which) {errno = ENOTSUP; return NULL;}
    int err = dill__js_jsh_query(j->id, which);
    if(err) {errno = err; return NULL;}
    return which == DILL__JSH_BSOCK ? (void*)&j->bvfs : (void*)&j->mvfs;
}

static void dill__jsh_close(struct dill_hvfs *vfs) {
    struct dill__jsh *j = dill__cont(vfs, struct dill__jsh, hvfs);
    dill__js_jsh_close(j->id);
    free(j);
}

static ssize_t dill__jsh_run(struct dill__jsh *j, int kind,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__jsh_op op;
    dill__list_init(&op.waiters);
    op.rc = -1;
    op.err = EIO;
    if(dill__js_jsh_start(j->id, kind, &op, first, last, (double)deadline)) {
        /* Deadline 0: only a function that finished at once made it. */
        if(deadline == 0) {
            dill__js_jsh_abandon(&op);
            errno = ETIMEDOUT;
            return -1;
        }
        struct dill__clause cl;
        dill__waitfor(&cl, 0, &op.waiters);
        if(dill__slow(dill__wait(deadline) < 0)) {
            int err = errno;
            dill__js_jsh_abandon(&op);
            errno = err;
            return -1;
        }
    }
    if(op.rc < 0) {errno = op.err; return -1;}
    return (ssize_t)op.rc;
}

static int dill__jsh_bsendl(struct dill_bsock_vfs *vfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__jsh *j = dill__cont(vfs, struct dill__jsh, bvfs);
    return dill__jsh_run(j, DILL__JSH_BSENDL, first, last, deadline);
}

static int dill__jsh_brecvl(struct dill_bsock_vfs *vfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__jsh *j = dill__cont(vfs, struct dill__jsh, bvfs);
    return dill__jsh_run(j, DILL__JSH_BRECVL, first, last, deadline);
}

static int dill__jsh_msendl(struct dill_msock_vfs *vfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__jsh *j = dill__cont(vfs, struct dill__jsh, mvfs);
    return dill__jsh_run(j, DILL__JSH_MSENDL, first, last, deadline);
}

static ssize_t dill__jsh_mrecvl(struct dill_msock_vfs *vfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    struct dill__jsh *j = dill__cont(vfs, struct dill__jsh, mvfs);
    return dill__jsh_run(j, DILL__JSH_MRECVL, first, last, deadline);
}

/* A handle for TypeScript object `id`; -1 with errno (ENOMEM). */
DILL__EXPORT int dill__host_hmake(int id) {
    struct dill__jsh *j = malloc(sizeof(*j));
    if(dill__slow(!j)) {errno = ENOMEM; return -1;}
    j->hvfs.query = dill__jsh_query;
    j->hvfs.close = dill__jsh_close;
    j->bvfs.bsendl = dill__jsh_bsendl;
    j->bvfs.brecvl = dill__jsh_brecvl;
    j->mvfs.msendl = dill__jsh_msendl;
    j->mvfs.mrecvl = dill__jsh_mrecvl;
    j->id = id;
    return dill__hmake_owned(&j->hvfs, j, 1);
}

/* The TypeScript object behind handle h: its id; -1 with errno EBADF for no
   handle, -2 for a handle implemented in C. */
DILL__EXPORT int dill__host_jsh_id(int h) {
    struct dill_hvfs *vfs = dill__hvfs(h);
    if(dill__slow(!vfs)) return -1;
    if(vfs->query != dill__jsh_query) return -2;
    return dill__cont(vfs, struct dill__jsh, hvfs)->id;
}

/* JS finished operation `op` (its rc and err are written): wake its caller. */
DILL__EXPORT void dill__host_jsh_done(struct dill__jsh_op *op) {
    if(!dill__list_empty(&op->waiters))
        dill__trigger(dill__cont(op->waiters.next, struct dill__clause, item), 0);
}

/* The interface types, for TypeScript (api.bsock_type, api.msock_type). */
DILL__EXPORT const void *dill__host_type(int which) {
    return which == DILL__JSH_BSOCK ? dill_bsock_type : dill_msock_type;
}
