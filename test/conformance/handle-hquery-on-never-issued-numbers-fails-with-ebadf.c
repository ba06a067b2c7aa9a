/* hquery() on numbers that were never handles (-1, other negatives, a huge
   positive number, a number just past the last issued handle) returns NULL
   with errno EBADF. */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include "libdillimpl.h"

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }
static void c(struct hvfs *vfs) { (void)vfs; }

int main(void) {
    int t;
    int bad[] = { -1, -2, -1000, INT_MIN, INT_MAX, 1000000 };
    for(unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errno = 0;
        assert(hquery(bad[i], &t) == NULL);
        assert(errno == EBADF);
    }

    struct hvfs v = { q, c };
    int h = hmake(&v);
    assert(h >= 0);
    errno = 0;
    assert(hquery(h + 1000, &t) == NULL);
    assert(errno == EBADF);
    assert(hquery(h, &t) == &v);
    assert(hclose(h) == 0);
    return 0;
}
