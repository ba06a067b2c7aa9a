/* hown(h) returns a new number; the old number becomes invalid: hquery(),
   hclose() and hown() on it fail with EBADF, and none of these reach the
   object's close function. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include "libdillimpl.h"

static int closes;

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }
static void c(struct hvfs *vfs) { (void)vfs; closes++; }

int main(void) {
    struct hvfs v = { q, c };
    int h1 = hmake(&v);
    assert(h1 >= 0);
    int h2 = hown(h1);
    assert(h2 >= 0);
    assert(h2 != h1);
    assert(closes == 0);

    int t;
    errno = 0;
    assert(hquery(h1, &t) == NULL);
    assert(errno == EBADF);
    errno = 0;
    assert(hown(h1) == -1);
    assert(errno == EBADF);
    errno = 0;
    assert(hclose(h1) == -1);
    assert(errno == EBADF);
    assert(closes == 0);

    assert(hclose(h2) == 0);
    assert(closes == 1);
    return 0;
}
