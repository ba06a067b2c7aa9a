/* With DILL_DISABLE_RAW_NAMES defined before the includes, libdill.h and
   libdillimpl.h define none of the raw names (go, msleep, hmake, hvfs,
   coroutine, CHSEND, ...), and a complete program written with the dill_
   names alone compiles and runs. */
#define DILL_DISABLE_RAW_NAMES
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include "libdillimpl.h"

#if defined go || defined go_mem || defined coroutine || defined msleep || \
    defined now || defined yield || defined hclose || defined hown || \
    defined hmake || defined hquery || defined hvfs || defined chmake || \
    defined chsend || defined chrecv || defined bundle || \
    defined bundle_go || defined bundle_wait || defined CHSEND || \
    defined CHRECV || defined chclause || defined iolist || \
    defined bundle_storage || defined bsock_vfs
#error "a raw name is defined although DILL_DISABLE_RAW_NAMES is set"
#endif

/* the raw names are free for the program's own use */
static int now = 5;
static int msleep(int x) { return x + now; }
struct hvfs { int mine; };

static int closes;
static void *q(struct dill_hvfs *vfs, const void *type) { (void)type; return vfs; }
static void c(struct dill_hvfs *vfs) { (void)vfs; closes++; }

static int got;

dill_coroutine static void worker(int ch) {
    int v = 0;
    if(dill_chrecv(ch, &v, sizeof(v), -1) == 0) got = v;
    dill_msleep(-1);
}

int main(void) {
    struct hvfs mine = { 1 };
    assert(msleep(mine.mine) == 6);

    int64_t t = dill_now();
    assert(t > 0);
    assert(dill_msleep(t + 5) == 0);
    assert(dill_yield() == 0);

    int ch[2];
    assert(dill_chmake(ch) == 0);
    int h = dill_go(worker(ch[0]));
    assert(h >= 0);
    int v = 99;
    assert(dill_chsend(ch[1], &v, sizeof(v), -1) == 0);
    assert(dill_yield() == 0);
    assert(got == 99);

    struct dill_hvfs vfs = { q, c };
    int u = dill_hmake(&vfs);
    assert(u >= 0);
    int type;
    assert(dill_hquery(u, &type) == &vfs);
    int u2 = dill_hown(u);
    assert(u2 >= 0);
    assert(dill_hclose(u2) == 0);
    assert(closes == 1);

    int b = dill_bundle();
    assert(b >= 0);
    assert(dill_bundle_wait(b, 0) == 0);
    assert(dill_hclose(b) == 0);

    struct dill_chclause cl = { DILL_CHSEND, ch[1], &v, sizeof(v) };
    (void)cl;
    assert(dill_hclose(h) == 0);
    assert(dill_hclose(ch[0]) == 0);
    assert(dill_hclose(ch[1]) == 0);
    return 0;
}
