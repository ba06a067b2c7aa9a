/* main() is a coroutine too: while it sleeps in msleep() the coroutines it
   launched run (they count ticks), and msleep returns 0, not before the
   requested time.  How late it may be while a coroutine keeps yielding is
   the scheduler's business: upstream libdill looks at its timers about
   once a second then (main wakes after ~1 s), we every 64 yields. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int ticks;
/* A static: upstream's go() evaluates its arguments on the new stack, where
   the address of a caller's local comes out wrong natively (gcc -O1). */
static int spins;

coroutine static void ticker(void) {
    for(;;) {
        if(msleep(now() + 5) < 0) { assert(errno == ECANCELED); return; }
        ticks++;
    }
}

coroutine static void spinner(int *count) {
    for(;;) {
        if(yield() < 0) { assert(errno == ECANCELED); return; }
        (*count)++;
    }
}

int main(void) {
    int h1 = go(ticker());
    int h2 = go(spinner(&spins));
    assert(h1 >= 0 && h2 >= 0);
    assert(ticks == 0);
    int before = spins;
    int64_t start = now();
    assert(msleep(start + 100) == 0);
    int64_t took = now() - start;
    assert(took >= 95 && took < 5000);
    assert(ticks >= 1);
    assert(spins > before);
    assert(hclose(h1) == 0);
    assert(hclose(h2) == 0);
    return 0;
}
