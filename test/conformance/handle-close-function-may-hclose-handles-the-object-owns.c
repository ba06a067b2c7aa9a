/* An object's close function may itself hclose() the handles the object
   owns (here a channel and a second user handle), so closing the outer
   handle tears down the whole tree, each close function running once. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include "libdillimpl.h"

struct leaf {
    struct hvfs vfs;
    int closes;
};

struct tree {
    struct hvfs vfs;
    int ch[2];
    int leaf_h;
    int closes;
    int inner_rc;
};

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }

static void leaf_close(struct hvfs *vfs) { ((struct leaf *)vfs)->closes++; }

static void tree_close(struct hvfs *vfs) {
    struct tree *t = (struct tree *)vfs;
    t->closes++;
    t->inner_rc = hclose(t->ch[0]) | hclose(t->ch[1]) | hclose(t->leaf_h);
}

int main(void) {
    struct leaf l = { { q, leaf_close }, 0 };
    struct tree t = { { q, tree_close }, { -1, -1 }, -1, 0, 12345 };
    assert(chmake(t.ch) == 0);
    t.leaf_h = hmake(&l.vfs);
    assert(t.leaf_h >= 0);
    int h = hmake(&t.vfs);
    assert(h >= 0);

    assert(hclose(h) == 0);
    assert(t.closes == 1);
    assert(t.inner_rc == 0);
    assert(l.closes == 1);
    int type;
    errno = 0;
    assert(hquery(t.leaf_h, &type) == NULL && errno == EBADF);
    errno = 0;
    assert(hclose(t.ch[0]) == -1 && errno == EBADF);
    return 0;
}
