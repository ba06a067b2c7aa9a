/* go(): the new coroutine starts running at once, before go() returns; the
   caller gets control back only when the child first blocks, and the child
   continues after the caller blocks in turn. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int order[8];
static int n;

coroutine static void child(int id, int ms) {
    order[n++] = id;          /* runs before go() returns */
    assert(msleep(now() + ms) == 0);
    order[n++] = id + 10;     /* runs after the caller blocked */
}

int main(void) {
    order[n++] = 0;
    int h1 = go(child(1, 20));
    assert(h1 >= 0);
    assert(n == 2 && order[1] == 1);
    order[n++] = 2;
    int h2 = go(child(3, 60));
    assert(h2 >= 0);
    assert(n == 4 && order[3] == 3);
    /* Neither child has got past its msleep yet. */
    assert(bundle_wait(h1, -1) == 0);
    assert(bundle_wait(h2, -1) == 0);
    assert(n == 6);
    assert(order[0] == 0 && order[1] == 1 && order[2] == 2 && order[3] == 3);
    assert(order[4] == 11 && order[5] == 13);
    assert(hclose(h1) == 0);
    assert(hclose(h2) == 0);
    return 0;
}
