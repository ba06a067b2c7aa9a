/* After hclose(h), hquery(h, type) fails with NULL and errno EBADF, without
   calling the (former) object's query function. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include "libdillimpl.h"

static int queries;

static void *q(struct hvfs *vfs, const void *type) {
    (void)type;
    queries++;
    return vfs;
}

static void c(struct hvfs *vfs) { (void)vfs; }

int main(void) {
    struct hvfs v = { q, c };
    int h = hmake(&v);
    assert(h >= 0);
    int t;
    assert(hquery(h, &t) == &v);
    assert(queries == 1);
    assert(hclose(h) == 0);

    errno = 0;
    assert(hquery(h, &t) == NULL);
    assert(errno == EBADF);
    assert(queries == 1);
    return 0;
}
