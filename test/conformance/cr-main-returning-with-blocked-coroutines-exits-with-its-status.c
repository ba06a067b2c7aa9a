/* main() may return while coroutines are still blocked (on a channel, in
   msleep(-1), in a long msleep inside a bundle); the program exits promptly with
   main's status 0 instead of hanging or crashing. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

coroutine static void stuck_on_channel(int ch) {
    int v;
    chrecv(ch, &v, sizeof(v), -1);
}
coroutine static void stuck_sleeping(void) { msleep(-1); }
coroutine static void long_sleep(void) { msleep(now() + 60000); }

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    assert(go(stuck_on_channel(ch[0])) >= 0);
    assert(go(stuck_sleeping()) >= 0);
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, long_sleep()) == 0);
    assert(yield() == 0);
    return 0;
}
