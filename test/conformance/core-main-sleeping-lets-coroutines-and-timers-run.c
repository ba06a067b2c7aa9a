/* main is a coroutine: while it sleeps, others run and their timers fire in
   deadline order. */
#include <assert.h>
#include "libdill.h"

static int order[3];
static int n;

coroutine static void sleeper(int id, int ms) {
    assert(msleep(now() + ms) == 0);
    order[n++] = id;
}

int main(void) {
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, sleeper(3, 60)) == 0);
    assert(bundle_go(b, sleeper(1, 10)) == 0);
    assert(bundle_go(b, sleeper(2, 35)) == 0);
    assert(msleep(now() + 100) == 0);
    assert(n == 3 && order[0] == 1 && order[1] == 2 && order[2] == 3);
    assert(bundle_wait(b, 0) == 0);
    assert(hclose(b) == 0);
    return 0;
}
