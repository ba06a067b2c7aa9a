/* msleep(-1) in a coroutine never returns by itself: while main sleeps and
   yields the coroutine stays blocked, and only hclose() on its handle ends
   it, with -1 and errno ECANCELED. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int started;
static int returned;
static int rc;
static int err;

coroutine static void forever(void) {
    started = 1;
    errno = 0;
    rc = msleep(-1);
    err = errno;
    returned = 1;
}

int main(void) {
    int h = go(forever());
    assert(h >= 0);
    assert(started == 1);
    for(int i = 0; i < 10; i++) assert(yield() == 0);
    assert(msleep(now() + 100) == 0);
    assert(returned == 0);
    assert(hclose(h) == 0);
    assert(returned == 1);
    assert(rc == -1);
    assert(err == ECANCELED);
    return 0;
}
