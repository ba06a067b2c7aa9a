/* A bundle outlives its coroutines: after bundle_wait() reports them all
   finished, new coroutines can be added to the same bundle and waited for
   again, repeatedly; closing an empty bundle returns 0. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int total;

coroutine static void add(int x) {
    assert(yield() == 0);
    total += x;
}

int main(void) {
    int b = bundle();
    assert(b >= 0);
    int expect = 0;
    for(int round = 1; round <= 20; round++) {
        for(int k = 0; k < round; k++) {
            assert(bundle_go(b, add(k)) == 0);
            expect += k;
        }
        assert(bundle_wait(b, -1) == 0);
        assert(total == expect);
        assert(bundle_wait(b, 0) == 0);
    }
    assert(hclose(b) == 0);
    int empty = bundle();
    assert(empty >= 0);
    assert(hclose(empty) == 0);
    return 0;
}
