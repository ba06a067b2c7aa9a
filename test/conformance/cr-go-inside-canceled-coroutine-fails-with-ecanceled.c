/* Once a coroutine has been canceled, go(), go_mem(), bundle() +
   bundle_go() and bundle_go_mem() called from inside it fail with
   -1/ECANCELED and do not run the would-be child. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int child_ran;
static int checked;
static char stack[65536];

coroutine static void child(void) { child_ran++; }

coroutine static void parent(void) {
    assert(msleep(-1) == -1 && errno == ECANCELED);
    errno = 0;
    assert(go(child()) == -1 && errno == ECANCELED);
    errno = 0;
    assert(go_mem(child(), stack, sizeof(stack)) == -1 && errno == ECANCELED);
    int b = bundle();
    if(b >= 0) {
        errno = 0;
        assert(bundle_go(b, child()) == -1 && errno == ECANCELED);
        errno = 0;
        assert(bundle_go_mem(b, child(), stack, sizeof(stack)) == -1 &&
            errno == ECANCELED);
        assert(hclose(b) == 0);
    } else {
        assert(errno == ECANCELED);
    }
    assert(child_ran == 0);
    checked = 1;
}

int main(void) {
    int h = go(parent());
    assert(h >= 0);
    assert(hclose(h) == 0);
    assert(checked == 1);
    assert(child_ran == 0);
    /* main itself is not canceled: go() works here. */
    int c = go(child());
    assert(c >= 0 && child_ran == 1);
    assert(hclose(c) == 0);
    return 0;
}
