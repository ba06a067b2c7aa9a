/* Once a coroutine has been canceled, every later msleep() in it fails with
   -1/ECANCELED at once, whatever the deadline: 0, past, future, -1. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include "libdill.h"

static int results[5];
static int errs[5];
static int64_t elapsed = -1;

coroutine static void victim(void) {
    msleep(-1);                 /* canceled here */
    int64_t start = now();
    int64_t deadlines[5] = { 0, 1, now() - 10, now() + 10000, -1 };
    for(int i = 0; i < 5; i++) {
        errno = 0;
        results[i] = msleep(deadlines[i]);
        errs[i] = errno;
    }
    elapsed = now() - start;
}

int main(void) {
    int h = go(victim());
    assert(h >= 0);
    assert(hclose(h) == 0);
    assert(elapsed >= 0 && elapsed < 1000);
    for(int i = 0; i < 5; i++) {
        assert(results[i] == -1);
        assert(errs[i] == ECANCELED);
    }
    return 0;
}
