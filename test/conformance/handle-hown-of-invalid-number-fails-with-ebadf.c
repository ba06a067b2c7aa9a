/* hown() of -1, of numbers never issued and of a closed handle fails with
   -1 and errno EBADF. */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include "libdillimpl.h"

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }
static void c(struct hvfs *vfs) { (void)vfs; }

int main(void) {
    int bad[] = { -1, -5, INT_MIN, INT_MAX, 999999 };
    for(unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errno = 0;
        assert(hown(bad[i]) == -1);
        assert(errno == EBADF);
    }

    struct hvfs v = { q, c };
    int h = hmake(&v);
    assert(h >= 0);
    assert(hclose(h) == 0);
    errno = 0;
    assert(hown(h) == -1);
    assert(errno == EBADF);
    return 0;
}
