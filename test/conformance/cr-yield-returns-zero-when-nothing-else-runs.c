/* yield() in main with no other coroutine ready returns 0 immediately, many
   times over; with a ready coroutine it lets that one run first. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int ran;

coroutine static void once(void) {
    assert(yield() == 0);
    ran = 1;
}

int main(void) {
    int64_t start = now();
    for(int i = 0; i < 10000; i++) assert(yield() == 0);
    assert(now() - start < 2000);
    int h = go(once());
    assert(h >= 0);
    assert(ran == 0);
    assert(yield() == 0);
    assert(ran == 1);
    assert(hclose(h) == 0);
    return 0;
}
