/* 200,000 cycles of creating a bundle, starting a coroutine in it (one that
   finishes at once, or one that blocks until canceled) and closing it, plus
   go_mem() cycles on a reused buffer: the heap stops growing after warm-up. */
#include <assert.h>
#include <errno.h>
#include <unistd.h>
#include "libdill.h"

coroutine static void instant(int *n) { (*n)++; }
coroutine static void parked(int *n) {
    if(msleep(-1) == -1 && errno == ECANCELED) (*n)++;
}

static char stack[16384];

static void cycle(int *fin, int *can) {
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, instant(fin)) == 0);
    assert(bundle_go(b, parked(can)) == 0);
    assert(hclose(b) == 0);
    int h = go_mem(parked(can), stack, sizeof(stack));
    assert(h >= 0);
    assert(hclose(h) == 0);
}

int main(void) {
    int fin = 0, can = 0;
    for(int i = 0; i < 2000; i++) cycle(&fin, &can);
    char *brk0 = sbrk(0);
    for(int i = 0; i < 100000; i++) cycle(&fin, &can);
    char *brk1 = sbrk(0);
    assert(fin == 102000);
    assert(can == 2 * 102000);
    assert(brk1 - brk0 < 1024 * 1024);
    return 0;
}
