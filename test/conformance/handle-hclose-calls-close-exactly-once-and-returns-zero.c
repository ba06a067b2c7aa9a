/* hclose(h) returns 0 and calls the object's close function exactly once,
   with the vfs pointer given to hmake(); closing one handle leaves other
   handles' objects alone. */
#include <assert.h>
#include <stddef.h>
#include "libdillimpl.h"

struct res {
    struct hvfs vfs;
    int closes;
    struct hvfs *closed_with;
};

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }

static void c(struct hvfs *vfs) {
    struct res *r = (struct res *)vfs;
    r->closes++;
    r->closed_with = vfs;
}

int main(void) {
    struct res a = { { q, c }, 0, NULL };
    struct res b = { { q, c }, 0, NULL };
    int ha = hmake(&a.vfs);
    int hb = hmake(&b.vfs);
    assert(ha >= 0 && hb >= 0);

    assert(hclose(ha) == 0);
    assert(a.closes == 1);
    assert(a.closed_with == &a.vfs);
    assert(b.closes == 0);

    int t;
    assert(hquery(hb, &t) == &b.vfs);

    assert(hclose(hb) == 0);
    assert(b.closes == 1);
    assert(b.closed_with == &b.vfs);
    assert(a.closes == 1);
    return 0;
}
