/* hclose() on numbers that were never handles (-1, other negatives, huge
   positives) fails with -1 and errno EBADF and leaves live handles alone. */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include "libdillimpl.h"

static int closes;

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }
static void c(struct hvfs *vfs) { (void)vfs; closes++; }

int main(void) {
    struct hvfs v = { q, c };
    int h = hmake(&v);
    assert(h >= 0);

    int bad[] = { -1, -2, -77, INT_MIN, INT_MAX, 1000000, h + 1000 };
    for(unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errno = 0;
        assert(hclose(bad[i]) == -1);
        assert(errno == EBADF);
    }
    assert(closes == 0);
    int t;
    assert(hquery(h, &t) == &v);
    assert(hclose(h) == 0);
    assert(closes == 1);
    return 0;
}
