/* msleep(now() + N) returns 0 after roughly N milliseconds: never before the
   deadline, and not much later (generous bounds), for several values of N. */
#include <assert.h>
#include <stdint.h>
#include "libdill.h"

int main(void) {
    int ns[] = { 5, 20, 50, 120 };
    for(unsigned i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
        int64_t start = now();
        int64_t deadline = start + ns[i];
        assert(msleep(deadline) == 0);
        int64_t end = now();
        assert(end >= deadline);
        assert(end - start >= ns[i] - 1);
        assert(end - start <= ns[i] + 250);
    }
    return 0;
}
