/* Handles come and go in large numbers: after many hmake()/hclose() rounds,
   every live handle still queries to its own object and each object is
   closed exactly once, even when numbers freed by hclose() are handed out
   again to new objects. */
#include <assert.h>
#include <stddef.h>
#include "libdillimpl.h"

#define N 1000

struct obj {
    struct hvfs vfs;
    int id;
    int closes;
};

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }
static void c(struct hvfs *vfs) { ((struct obj *)vfs)->closes++; }

static struct obj objs[2 * N];
static int hs[2 * N];

int main(void) {
    int t;
    for(int i = 0; i < 2 * N; i++) {
        objs[i].vfs.query = q;
        objs[i].vfs.close = c;
        objs[i].id = i;
        objs[i].closes = 0;
    }
    for(int i = 0; i < N; i++) {
        hs[i] = hmake(&objs[i].vfs);
        assert(hs[i] >= 0);
    }
    /* close the odd ones */
    for(int i = 1; i < N; i += 2) assert(hclose(hs[i]) == 0);
    /* make a second generation */
    for(int i = N; i < 2 * N; i++) {
        hs[i] = hmake(&objs[i].vfs);
        assert(hs[i] >= 0);
    }
    for(int i = 0; i < 2 * N; i++) {
        if(i < N && (i & 1)) {
            assert(objs[i].closes == 1);
            continue;
        }
        struct obj *o = hquery(hs[i], &t);
        assert(o == &objs[i]);
        assert(o->id == i);
        assert(o->closes == 0);
    }
    for(int i = 0; i < 2 * N; i++) {
        if(i < N && (i & 1)) continue;
        assert(hclose(hs[i]) == 0);
    }
    for(int i = 0; i < 2 * N; i++) assert(objs[i].closes == 1);
    return 0;
}
