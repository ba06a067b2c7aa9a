/* After msleep(now() + 100) returns, now() has reached the deadline: the
   clock advanced by at least the slept time, and not absurdly more. */
#include <assert.h>
#include <stdint.h>
#include "libdill.h"

int main(void) {
    int64_t before = now();
    int64_t deadline = before + 100;
    assert(msleep(deadline) == 0);
    int64_t after = now();
    assert(after >= deadline);
    assert(after - before >= 100);
    assert(after - before < 1000);
    return 0;
}
