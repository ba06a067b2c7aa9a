/* Successive now() calls never go backwards, across a busy loop, yields and
   sleeps, and over a few hundred milliseconds they move forward by about
   the elapsed time (not by seconds, not by microseconds). */
#include <assert.h>
#include <stdint.h>
#include "libdill.h"

int main(void) {
    int64_t start = now();
    int64_t prev = start;
    for(int i = 0; i < 200000; i++) {
        int64_t t = now();
        assert(t >= prev);
        prev = t;
        if(i % 20000 == 0) {
            assert(yield() == 0);
            assert(msleep(now() + 10) == 0);
        }
    }
    int64_t end = now();
    assert(end >= prev);
    /* ten sleeps of 10 ms each took place */
    assert(end - start >= 90);
    assert(end - start < 5000);
    return 0;
}
