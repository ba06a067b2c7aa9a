/* now() returns a positive number of milliseconds: never 0 (the immediate
   deadline) and never -1 (the infinite deadline), in main and in a
   coroutine. */
#include <assert.h>
#include <stdint.h>
#include "libdill.h"

static int64_t in_coroutine;

coroutine static void sample(void) { in_coroutine = now(); }

int main(void) {
    for(int i = 0; i < 10000; i++) {
        int64_t t = now();
        assert(t != 0);
        assert(t != -1);
        assert(t > 0);
    }
    int h = go(sample());
    assert(h >= 0);
    assert(in_coroutine > 0);
    assert(hclose(h) == 0);
    return 0;
}
