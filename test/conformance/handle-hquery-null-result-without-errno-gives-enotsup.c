/* When the query function returns NULL without setting errno, hquery()
   returns NULL with errno ENOTSUP. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include "libdillimpl.h"

static int calls;

static void *silent_query(struct hvfs *vfs, const void *type) {
    (void)vfs; (void)type;
    calls++;
    return NULL;
}

static void silent_close(struct hvfs *vfs) { (void)vfs; }

int main(void) {
    struct hvfs v = { silent_query, silent_close };
    int h = hmake(&v);
    assert(h >= 0);
    int some_type;

    errno = 0;
    assert(hquery(h, &some_type) == NULL);
    assert(errno == ENOTSUP);
    assert(calls == 1);

    /* a stale errno from before the call must not leak through either */
    errno = EAGAIN;
    assert(hquery(h, &some_type) == NULL);
    assert(errno == ENOTSUP);
    assert(calls == 2);

    assert(hclose(h) == 0);
    return 0;
}
