/* Coroutines sleeping until different deadlines wake in deadline order, not
   in the order they went to sleep, and each wakes no earlier than its own
   deadline. */
#include <assert.h>
#include <stdint.h>
#include "libdill.h"

static int order[4];
static int woken;
static int64_t base;

coroutine static void sleeper(int id, int ms) {
    assert(msleep(base + ms) == 0);
    assert(now() >= base + ms);
    order[woken++] = id;
}

int main(void) {
    base = now();
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, sleeper(3, 90)) == 0);
    assert(bundle_go(b, sleeper(1, 30)) == 0);
    assert(bundle_go(b, sleeper(4, 120)) == 0);
    assert(bundle_go(b, sleeper(2, 60)) == 0);
    assert(woken == 0);
    assert(bundle_wait(b, now() + 3000) == 0);
    assert(woken == 4);
    for(int i = 0; i < 4; i++) assert(order[i] == i + 1);
    assert(hclose(b) == 0);
    return 0;
}
