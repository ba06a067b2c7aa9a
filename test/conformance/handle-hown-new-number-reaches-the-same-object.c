/* The number returned by hown() works exactly as the old one did: hquery()
   reaches the same object and returns the same pointers, it can be hown()ed
   again, and hclose() on the final number closes the object exactly once. */
#include <assert.h>
#include <errno.h>
#include "libdillimpl.h"

static int type_id;
static const void *my_type = &type_id;

struct obj {
    struct hvfs vfs;
    int value;
    int closes;
};

static void *q(struct hvfs *vfs, const void *type) {
    struct obj *o = (struct obj *)vfs;
    if(type == my_type) return &o->value;
    errno = ENOTSUP;
    return 0;
}

static void c(struct hvfs *vfs) { ((struct obj *)vfs)->closes++; }

int main(void) {
    struct obj o = { { q, c }, 42, 0 };
    int h = hmake(&o.vfs);
    assert(h >= 0);
    int *p = hquery(h, my_type);
    assert(p == &o.value);

    for(int i = 0; i < 10; i++) {
        int nh = hown(h);
        assert(nh >= 0);
        assert(nh != h);
        assert(hquery(nh, my_type) == p);
        assert(*p == 42);
        h = nh;
    }
    assert(o.closes == 0);
    assert(hclose(h) == 0);
    assert(o.closes == 1);
    return 0;
}
