/* go() returns the handle of a bundle holding the new coroutine: bundle_wait
   on it times out while the coroutine is still running and returns 0 once it
   has finished; hclose then releases it. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int finished;

coroutine static void sleeper(int ms) {
    assert(msleep(now() + ms) == 0);
    finished = 1;
}

int main(void) {
    int h = go(sleeper(60));
    assert(h >= 0);
    assert(bundle_wait(h, 0) == -1 && errno == ETIMEDOUT);
    assert(finished == 0);
    int64_t start = now();
    assert(bundle_wait(h, -1) == 0);
    int64_t took = now() - start;
    assert(finished == 1);
    assert(took >= 40 && took < 1000);
    /* Waiting again on the now-empty bundle succeeds at once. */
    assert(bundle_wait(h, 0) == 0);
    assert(hclose(h) == 0);
    return 0;
}
