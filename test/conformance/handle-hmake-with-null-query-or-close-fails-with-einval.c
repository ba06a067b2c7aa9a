/* hmake() refuses a vfs whose query or close function pointer is NULL
   (-1, EINVAL) and never calls the pointer that is present; a complete vfs
   is then accepted. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include "libdillimpl.h"

static int calls;

static void *q(struct hvfs *vfs, const void *type) {
    (void)vfs; (void)type;
    calls++;
    return NULL;
}

static void c(struct hvfs *vfs) {
    (void)vfs;
    calls++;
}

int main(void) {
    struct hvfs no_query = { NULL, c };
    errno = 0;
    assert(hmake(&no_query) == -1);
    assert(errno == EINVAL);

    struct hvfs no_close = { q, NULL };
    errno = 0;
    assert(hmake(&no_close) == -1);
    assert(errno == EINVAL);

    struct hvfs neither = { NULL, NULL };
    errno = 0;
    assert(hmake(&neither) == -1);
    assert(errno == EINVAL);

    assert(calls == 0);

    struct hvfs both = { q, c };
    int h = hmake(&both);
    assert(h >= 0);
    assert(hclose(h) == 0);
    assert(calls == 1);
    return 0;
}
