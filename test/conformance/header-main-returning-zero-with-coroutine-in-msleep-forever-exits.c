/* The program's exit code is main's return value: main returns 0 while one
   coroutine is blocked in msleep(-1) and another in a one-minute msleep, and
   the program exits at once with status 0 instead of waiting for them. */
#include <assert.h>
#include "libdill.h"

static int forever_started;
static int long_started;

coroutine static void forever(void) {
    forever_started = 1;
    msleep(-1);
    /* never reached: returning would not change the exit status anyway */
}

coroutine static void minute(void) {
    long_started = 1;
    msleep(now() + 60000);
}

int main(void) {
    assert(go(forever()) >= 0);
    assert(go(minute()) >= 0);
    assert(forever_started && long_started);
    assert(msleep(now() + 10) == 0);
    return 0;
}
