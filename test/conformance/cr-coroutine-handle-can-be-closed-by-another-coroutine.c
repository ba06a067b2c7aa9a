/* Handles are not tied to the coroutine that created them: a coroutine
   started by main can close the handle of another coroutine main started,
   cancelling it, and a coroutine can wait on a sibling's handle. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int victim_state;
static int killer_done;
static int waiter_done;

coroutine static void victim(void) {
    victim_state = 1;
    assert(msleep(-1) == -1 && errno == ECANCELED);
    victim_state = 2;
}

coroutine static void killer(int target) {
    assert(msleep(now() + 10) == 0);
    assert(hclose(target) == 0);
    assert(victim_state == 2);
    killer_done = 1;
}

coroutine static void waiter(int target) {
    assert(bundle_wait(target, -1) == 0);
    assert(killer_done == 1);
    waiter_done = 1;
}

int main(void) {
    int v = go(victim());
    assert(v >= 0 && victim_state == 1);
    int k = go(killer(v));
    assert(k >= 0);
    int w = go(waiter(k));
    assert(w >= 0);
    assert(bundle_wait(w, now() + 5000) == 0);
    assert(waiter_done == 1 && killer_done == 1 && victim_state == 2);
    errno = 0;
    assert(hclose(v) == -1 && errno == EBADF);
    assert(hclose(k) == 0);
    assert(hclose(w) == 0);
    return 0;
}
