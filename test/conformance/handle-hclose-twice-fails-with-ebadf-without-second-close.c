/* A second hclose() on the same number fails with -1 and errno EBADF, and
   the object's close function is not called a second time. */
#include <assert.h>
#include <errno.h>
#include "libdillimpl.h"

static int closes;

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }
static void c(struct hvfs *vfs) { (void)vfs; closes++; }

int main(void) {
    struct hvfs v = { q, c };
    int h = hmake(&v);
    assert(h >= 0);
    assert(hclose(h) == 0);
    assert(closes == 1);

    errno = 0;
    assert(hclose(h) == -1);
    assert(errno == EBADF);
    errno = 0;
    assert(hclose(h) == -1);
    assert(errno == EBADF);
    assert(closes == 1);
    return 0;
}
