/* A coroutine blocked in msleep() with a far deadline is woken by hclose()
   on its handle: msleep() returns -1 with errno ECANCELED at once, not
   when the deadline arrives. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include "libdill.h"

static int rc = 12345;
static int err;

coroutine static void long_nap(void) {
    errno = 0;
    rc = msleep(now() + 30000);
    err = errno;
}

int main(void) {
    int64_t start = now();
    int h = go(long_nap());
    assert(h >= 0);
    assert(msleep(now() + 20) == 0);
    assert(rc == 12345);
    assert(hclose(h) == 0);
    assert(rc == -1);
    assert(err == ECANCELED);
    assert(now() - start < 2000);
    return 0;
}
