/* When the query function returns NULL after setting errno, hquery()
   returns NULL and errno is the value the query function chose. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include "libdillimpl.h"

static int query_errno;

static void *picky_query(struct hvfs *vfs, const void *type) {
    (void)vfs; (void)type;
    errno = query_errno;
    return NULL;
}

static void picky_close(struct hvfs *vfs) { (void)vfs; }

int main(void) {
    struct hvfs v = { picky_query, picky_close };
    int h = hmake(&v);
    assert(h >= 0);
    int some_type;

    query_errno = EPROTO;
    errno = 0;
    assert(hquery(h, &some_type) == NULL);
    assert(errno == EPROTO);

    query_errno = EINVAL;
    errno = 0;
    assert(hquery(h, &some_type) == NULL);
    assert(errno == EINVAL);

    query_errno = ENOTSUP;
    errno = 0;
    assert(hquery(h, &some_type) == NULL);
    assert(errno == ENOTSUP);

    assert(hclose(h) == 0);
    return 0;
}
