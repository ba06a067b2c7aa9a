/* hquery() remembers, per handle, the last non-NULL answer of the query
   function (the manual: query results are cachable): asking again for that
   type does not call the query function.  Asking for another type calls it
   and, if the answer is not NULL, remembers that one instead; a NULL answer
   (its errno left as the query set it) is not remembered and does not make
   the handle forget its last answer.  A NULL type is never remembered.  A
   number from hown() and a new object at a reused number ask again. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include "libdillimpl.h"

static int calls, fail;
static int ta, tb, tc, pa, pb;

static void *q(struct hvfs *vfs, const void *type) {
    (void)vfs;
    calls++;
    if(fail) {errno = EPROTO; return NULL;}
    if(type == &ta) return &pa;
    if(type == &tb) return &pb;
    errno = ENOTSUP;
    return NULL;
}
static void c(struct hvfs *vfs) { (void)vfs; }
static struct hvfs v = { q, c };

int main(void) {
    int h = hmake(&v);
    assert(h >= 0);
    assert(hquery(h, &ta) == &pa && calls == 1);
    assert(hquery(h, &ta) == &pa && calls == 1);
    assert(hquery(h, &tb) == &pb && calls == 2);
    assert(hquery(h, &ta) == &pa && calls == 3);
    assert(hquery(h, &ta) == &pa && calls == 3);

    /* Unknown type: asked each time, and ta is still remembered. */
    errno = 0;
    assert(hquery(h, &tc) == NULL && errno == ENOTSUP && calls == 4);
    errno = 0;
    assert(hquery(h, &tc) == NULL && errno == ENOTSUP && calls == 5);
    assert(hquery(h, &ta) == &pa && calls == 5);

    /* The remembered answer stands even while the query would now fail. */
    fail = 1;
    assert(hquery(h, &ta) == &pa && calls == 5);
    errno = 0;
    assert(hquery(h, &tb) == NULL && errno == EPROTO && calls == 6);
    fail = 0;

    errno = 0;
    assert(hquery(h, NULL) == NULL && errno == ENOTSUP && calls == 7);
    assert(hquery(h, NULL) == NULL && calls == 8);

    /* A new number asks again. */
    int h2 = hown(h);
    assert(h2 >= 0);
    assert(hquery(h2, &ta) == &pa && calls == 9);
    assert(hquery(h2, &ta) == &pa && calls == 9);
    assert(hclose(h2) == 0);
    int h3 = hmake(&v);
    assert(hquery(h3, &ta) == &pa && calls == 10);
    assert(hclose(h3) == 0);
    return 0;
}
