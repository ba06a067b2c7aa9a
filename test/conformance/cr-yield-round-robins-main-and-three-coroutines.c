/* Coroutines that yield take turns in first-in, first-out order, as in
   upstream libdill: go() runs the new coroutine at once and queues its
   caller behind the coroutines that are ready already, and yield() queues
   the caller behind them too.  So starting a, b and c from main, each
   yielding in a loop, logs "a", "ba", "cba" (main's turn comes after each
   start), and from then on each yield by main lets every other coroutine
   take exactly one step, in the order they queued: c, b, a. */
#include <assert.h>
#include <errno.h>
#include <string.h>
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
    assert(pos == 6 && memcmp(log_, "abacba", 6) == 0);
    for(int round = 0; round < 10; round++) {
        int before = pos;
        assert(yield() == 0);
        assert(pos == before + 3);
        assert(memcmp(log_ + before, "cba", 3) == 0);
    }
    assert(hclose(b) == 0);
    return 0;
}
