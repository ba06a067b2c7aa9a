/* The new coroutine runs before go() returns, so whatever it stores
   through a pointer to one of the caller's local variables (before it
   first blocks, or when it finishes without blocking) is visible to the
   caller as soon as go(), go_mem() or bundle_go() returns. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

coroutine static void set_and_finish(int *out, int val) { *out = val; }

coroutine static void set_and_block(int *out, int val) {
    *out = val;
    msleep(-1);
}

static char stack[32768];

int main(void) {
    int a = 0;
    int h1 = go(set_and_finish(&a, 11));
    assert(a == 11);     /* read straight after go(), nothing in between */
    assert(h1 >= 0);

    int b = 0;
    int h2 = go(set_and_block(&b, 22));
    assert(b == 22);
    assert(h2 >= 0);

    int c = 0;
    int h3 = go_mem(set_and_finish(&c, 33), stack, sizeof(stack));
    assert(c == 33);
    assert(h3 >= 0);

    int d = 0;
    int bndl = bundle();
    assert(bndl >= 0);
    int rc = bundle_go(bndl, set_and_block(&d, 44));
    assert(d == 44);
    assert(rc == 0);

    assert(hclose(h1) == 0 && hclose(h2) == 0 && hclose(h3) == 0);
    assert(hclose(bndl) == 0);
    return 0;
}
