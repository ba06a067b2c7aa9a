/* When the query function returns NULL without setting errno, hquery()
   returns NULL and leaves errno as it was (upstream does not substitute an
   errno of its own); a NULL answer is not remembered, so the query function
   is asked again each time. */
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
    assert(errno == 0);
    assert(calls == 1);

    errno = EAGAIN;
    assert(hquery(h, &some_type) == NULL);
    assert(errno == EAGAIN);
    assert(calls == 2);

    assert(hclose(h) == 0);
    return 0;
}
