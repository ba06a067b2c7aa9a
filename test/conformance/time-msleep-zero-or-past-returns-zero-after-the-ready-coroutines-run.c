/* msleep(0) and msleep() with a deadline already past return 0 without
   waiting for time to pass, in main and in a coroutine, even many times in
   a row; but, as in upstream libdill, they are still waits: the coroutines
   that were ready before the caller run first (here a coroutine that
   yields in a loop takes a step), and the caller wakes when the scheduler
   next looks at its timers. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include "libdill.h"

static int coroutine_ok, steps;

coroutine static void zero_sleeper(void) {
    for(int i = 0; i < 100; i++) if(msleep(0) != 0) return;
    for(int i = 0; i < 100; i++) if(msleep(now() - 1000) != 0) return;
    coroutine_ok = 1;
}

coroutine static void stepper(void) {
    for(;;) {
        steps++;
        if(yield() < 0) { assert(errno == ECANCELED); return; }
    }
}

int main(void) {
    int64_t start = now();
    for(int i = 0; i < 1000; i++) assert(msleep(0) == 0);
    for(int i = 0; i < 1000; i++) assert(msleep(now() - 1) == 0);
    assert(now() - start < 500);

    /* A coroutine's msleep(0) lets main go on before it returns. */
    int h = go(zero_sleeper());
    assert(h >= 0);
    assert(coroutine_ok == 0);
    assert(msleep(now() + 50) == 0);
    assert(coroutine_ok == 1);
    assert(hclose(h) == 0);

    /* A coroutine that is ready takes a step during main's msleep(0).  How
       soon main wakes while that coroutine keeps yielding is the
       scheduler's business: upstream looks at its timers about once a
       second then, we every 64 yields. */
    int s = go(stepper());
    assert(s >= 0);
    for(int i = 0; i < 2; i++) {
        int before = steps;
        assert(msleep(0) == 0);
        assert(steps > before);
        before = steps;
        assert(msleep(now() - 5) == 0);
        assert(steps > before);
    }
    assert(hclose(s) == 0);
    return 0;
}
