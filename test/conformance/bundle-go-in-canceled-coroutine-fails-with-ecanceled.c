/* bundle_go() and bundle_go_mem() called from a coroutine that has been
   canceled fail with -1/ECANCELED even on a live bundle owned by someone
   else, and nothing is added to that bundle. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int ran, checked;
static char stack[32768];

coroutine static void child(void) { ran++; msleep(-1); }

coroutine static void adder(int target) {
    assert(msleep(-1) == -1 && errno == ECANCELED);
    errno = 0;
    assert(bundle_go(target, child()) == -1 && errno == ECANCELED);
    errno = 0;
    assert(bundle_go_mem(target, child(), stack, sizeof(stack)) == -1 &&
        errno == ECANCELED);
    checked = 1;
}

int main(void) {
    int target = bundle();
    assert(target >= 0);
    int h = go(adder(target));
    assert(h >= 0);
    assert(hclose(h) == 0);
    assert(checked == 1 && ran == 0);
    /* target is still empty */
    assert(bundle_wait(target, 0) == 0);
    assert(hclose(target) == 0);
    return 0;
}
