/* A coroutine that only yields in a loop is canceled by hclose() on its
   handle: yield() starts failing with ECANCELED, and keeps failing. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int iterations;
static int saw_canceled;

coroutine static void spin(void) {
    for(;;) {
        int rc = yield();
        if(rc == -1) {
            assert(errno == ECANCELED);
            break;
        }
        assert(rc == 0);
        iterations++;
    }
    errno = 0;
    assert(yield() == -1 && errno == ECANCELED);
    errno = 0;
    assert(yield() == -1 && errno == ECANCELED);
    saw_canceled = 1;
}

int main(void) {
    int h = go(spin());
    assert(h >= 0);
    for(int i = 0; i < 10; i++) assert(yield() == 0);
    assert(iterations >= 5);
    assert(saw_canceled == 0);
    assert(hclose(h) == 0);
    assert(saw_canceled == 1);
    return 0;
}
