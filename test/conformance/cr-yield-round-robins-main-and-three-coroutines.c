/* With main and three coroutines all yielding, each yield by main lets
   every other coroutine take exactly one step, in the order they were
   started. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static char log_[256];
static int pos;

coroutine static void step(char c) {
    for(;;) {
        log_[pos++] = c;
        if(yield() < 0) { assert(errno == ECANCELED); return; }
    }
}

int main(void) {
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, step('a')) == 0);
    assert(bundle_go(b, step('b')) == 0);
    assert(bundle_go(b, step('c')) == 0);
    assert(pos == 3);
    for(int round = 0; round < 10; round++) {
        int before = pos;
        assert(yield() == 0);
        assert(pos == before + 3);
        assert(log_[before] == 'a' && log_[before + 1] == 'b' &&
               log_[before + 2] == 'c');
    }
    assert(hclose(b) == 0);
    return 0;
}
