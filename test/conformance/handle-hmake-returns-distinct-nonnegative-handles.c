/* hmake() on a user object whose first member is a struct hvfs returns a
   handle >= 0; several objects get pairwise distinct handles, and none of the
   vfs functions is called merely by creating the handle. */
#include <assert.h>
#include "libdillimpl.h"

struct thing {
    struct hvfs vfs;
    int queried;
    int closed;
};

static void *thing_query(struct hvfs *vfs, const void *type) {
    struct thing *t = (struct thing *)vfs;
    t->queried++;
    (void)type;
    return t;
}

static void thing_close(struct hvfs *vfs) {
    ((struct thing *)vfs)->closed++;
}

#define N 16

int main(void) {
    struct thing things[N];
    int hs[N];
    for(int i = 0; i < N; i++) {
        things[i].vfs.query = thing_query;
        things[i].vfs.close = thing_close;
        things[i].queried = 0;
        things[i].closed = 0;
        hs[i] = hmake(&things[i].vfs);
        assert(hs[i] >= 0);
    }
    for(int i = 0; i < N; i++)
        for(int j = i + 1; j < N; j++)
            assert(hs[i] != hs[j]);
    for(int i = 0; i < N; i++) {
        assert(things[i].queried == 0);
        assert(things[i].closed == 0);
    }
    for(int i = 0; i < N; i++) assert(hclose(hs[i]) == 0);
    return 0;
}
