/* Without DILL_DISABLE_RAW_NAMES the raw names are macros for the dill_
   ones: the same functions, the same structs and the same constants. */
#include <assert.h>
#include <stddef.h>
#include "libdillimpl.h"

#if !defined go || !defined coroutine || !defined msleep || !defined now || \
    !defined hclose || !defined hown || !defined hmake || !defined hquery || \
    !defined CHSEND || !defined CHRECV
#error "raw names missing"
#endif

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }
static void c(struct hvfs *vfs) { (void)vfs; }

int main(void) {
    int (*p1)(int64_t) = msleep;
    int (*p2)(int64_t) = dill_msleep;
    assert(p1 == p2);
    int64_t (*p3)(void) = now;
    assert(p3 == dill_now);
    int (*p4)(int) = hclose;
    assert(p4 == dill_hclose);
    int (*p5)(int) = hown;
    assert(p5 == dill_hown);
    int (*p6)(struct dill_hvfs *) = hmake;
    assert(p6 == dill_hmake);
    void *(*p7)(int, const void *) = hquery;
    assert(p7 == dill_hquery);
    assert(CHSEND == DILL_CHSEND && CHSEND == 1);
    assert(CHRECV == DILL_CHRECV && CHRECV == 2);

    /* struct hvfs and struct dill_hvfs are one type */
    struct hvfs v = { q, c };
    struct dill_hvfs *dv = &v;
    int h = dill_hmake(dv);
    assert(h >= 0);
    assert(hquery(h, &v) == dv);
    assert(hclose(h) == 0);
    return 0;
}
