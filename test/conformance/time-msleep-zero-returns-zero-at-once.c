/* msleep(0) is the immediate deadline: it returns 0 without waiting, in main
   and in a coroutine, even when called many times in a row. */
#include <assert.h>
#include <stdint.h>
#include "libdill.h"

static int coroutine_ok;

coroutine static void zero_sleeper(void) {
    for(int i = 0; i < 100; i++) if(msleep(0) != 0) return;
    coroutine_ok = 1;
}

int main(void) {
    int64_t start = now();
    for(int i = 0; i < 1000; i++) assert(msleep(0) == 0);
    int h = go(zero_sleeper());
    assert(h >= 0);
    assert(coroutine_ok == 1);
    assert(now() - start < 200);
    assert(hclose(h) == 0);
    return 0;
}
