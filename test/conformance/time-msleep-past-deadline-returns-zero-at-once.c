/* msleep() with a deadline already in the past (1 ms after the epoch, one
   second ago, the current instant) returns 0 immediately. */
#include <assert.h>
#include <stdint.h>
#include "libdill.h"

int main(void) {
    int64_t start = now();
    assert(msleep(1) == 0);
    assert(msleep(now() - 1000) == 0);
    assert(msleep(now() - 1) == 0);
    assert(msleep(now()) == 0);
    assert(msleep(start) == 0);
    assert(now() - start < 100);
    return 0;
}
