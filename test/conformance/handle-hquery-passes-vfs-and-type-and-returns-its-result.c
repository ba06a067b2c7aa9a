/* hquery(h, type) calls the object's query function with the very vfs
   pointer given to hmake() and the very type pointer given to hquery(), and
   returns what the query function returned; different types can map to
   different results and repeated queries give the same result (answered
   from the handle's memory of its last answer: the query function is not
   called again for the type it answered last). */
#include <assert.h>
#include <stddef.h>
#include "libdillimpl.h"

static int type_a_id, type_b_id;
static const void *type_a = &type_a_id;
static const void *type_b = &type_b_id;

struct widget {
    struct hvfs vfs;
    int payload_a;
    int payload_b;
    struct hvfs *seen_vfs;
    const void *seen_type;
    int queries;
};

static void *widget_query(struct hvfs *vfs, const void *type) {
    struct widget *w = (struct widget *)vfs;
    w->seen_vfs = vfs;
    w->seen_type = type;
    w->queries++;
    if(type == type_a) return &w->payload_a;
    if(type == type_b) return &w->payload_b;
    return NULL;
}

static void widget_close(struct hvfs *vfs) { (void)vfs; }

int main(void) {
    struct widget w = { { widget_query, widget_close }, 1, 2, NULL, NULL, 0 };
    int h = hmake(&w.vfs);
    assert(h >= 0);

    int *pa = hquery(h, type_a);
    assert(pa == &w.payload_a && *pa == 1);
    assert(w.seen_vfs == &w.vfs);
    assert(w.seen_type == type_a);
    assert(w.queries == 1);

    int *pb = hquery(h, type_b);
    assert(pb == &w.payload_b && *pb == 2);
    assert(w.seen_type == type_b);
    assert(w.queries == 2);

    for(int i = 0; i < 100; i++) assert(hquery(h, type_a) == pa);
    assert(w.queries == 3);
    assert(w.seen_type == type_a);

    assert(hclose(h) == 0);
    return 0;
}
