/* Inside a coroutine that has been canceled (its handle hclose()d while it
   was blocked), hmake() fails with -1 and errno ECANCELED, and does not
   touch the vfs. Outside of it, hmake() works. */
#include <assert.h>
#include <errno.h>
#include "libdillimpl.h"

static int vfs_calls;
static int hmake_rc = 12345;
static int hmake_errno;

static void *q(struct hvfs *vfs, const void *type) {
    (void)type;
    vfs_calls++;
    return vfs;
}

static void c(struct hvfs *vfs) {
    (void)vfs;
    vfs_calls++;
}

coroutine static void victim(void) {
    int rc = msleep(-1);
    assert(rc == -1 && errno == ECANCELED);
    static struct hvfs v = { q, c };
    errno = 0;
    hmake_rc = hmake(&v);
    hmake_errno = errno;
}

int main(void) {
    int cr = go(victim());
    assert(cr >= 0);
    assert(hclose(cr) == 0);
    assert(hmake_rc == -1);
    assert(hmake_errno == ECANCELED);
    assert(vfs_calls == 0);

    struct hvfs v = { q, c };
    int h = hmake(&v);
    assert(h >= 0);
    assert(hclose(h) == 0);
    return 0;
}
