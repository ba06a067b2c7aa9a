/* With the heap exhausted by malloc(), hmake() eventually fails with -1 and
   errno ENOMEM instead of crashing; already issued handles keep working, and
   once memory is given back hmake() succeeds again.
   Depends on our build: it runs the wasm heap dry through our malloc (a
   native process would take the whole machine's memory first, and times out
   in the oracle). */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include "libdillimpl.h"

#define MAXH 4000000

struct chunk { struct chunk *next; };

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }
static int closes;
static void c(struct hvfs *vfs) { (void)vfs; closes++; }

int main(void) {
    static struct hvfs v = { q, c };
    int first = hmake(&v);
    assert(first >= 0);

    /* take all the memory there is, big pieces first */
    struct chunk *chunks = NULL;
    size_t size = (size_t)64 << 20;
    while(size >= sizeof(struct chunk)) {
        struct chunk *p = malloc(size);
        if(!p) { size /= 2; continue; }
        p->next = chunks;
        chunks = p;
    }

    /* no memory is left for a list of the handles; only the last is kept */
    int n = 0, h, last = first;
    while(n < MAXH && (h = hmake(&v)) >= 0) { n++; last = h; }
    assert(n < MAXH);
    assert(h == -1 && errno == ENOMEM);

    /* handles made before and during the shortage still work */
    int t;
    assert(hquery(first, &t) == &v);
    assert(hquery(last, &t) == &v);

    while(chunks) {
        struct chunk *next = chunks->next;
        free(chunks);
        chunks = next;
    }
    h = hmake(&v);
    assert(h >= 0);
    assert(hquery(h, &t) == &v);
    assert(hclose(h) == 0);
    assert(hclose(first) == 0);
    assert(closes == 2);
    return 0;
}
