/* While main is in msleep(), a coroutine it started can run, block on a
   channel and be woken, i.e. main's sleep is a scheduling point, and main
   still wakes at its own deadline. */
#include <assert.h>
#include <stdint.h>
#include "libdill.h"

static int steps;

coroutine static void worker(int ch) {
    int v;
    steps = 1;
    assert(msleep(now() + 10) == 0);
    steps = 2;
    assert(chrecv(ch, &v, sizeof(v), -1) == 0);
    steps = v;
}

coroutine static void feeder(int ch) {
    assert(msleep(now() + 30) == 0);
    int v = 3;
    assert(chsend(ch, &v, sizeof(v), -1) == 0);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int w = go(worker(ch[0]));
    int f = go(feeder(ch[1]));
    assert(w >= 0 && f >= 0);
    assert(steps == 1);
    int64_t deadline = now() + 80;
    assert(msleep(deadline) == 0);
    assert(now() >= deadline);
    assert(steps == 3);
    assert(hclose(w) == 0);
    assert(hclose(f) == 0);
    assert(hclose(ch[0]) == 0);
    assert(hclose(ch[1]) == 0);
    return 0;
}
