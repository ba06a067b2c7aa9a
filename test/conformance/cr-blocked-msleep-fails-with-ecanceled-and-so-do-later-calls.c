/* hclose() on a coroutine sleeping in msleep(-1) wakes it with -1/ECANCELED;
   from then on every blocking call in it (msleep with any deadline including
   0, chrecv, chsend, yield, bundle_wait) fails with ECANCELED at once. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int step;

coroutine static void sleeper(int ch, int other) {
    step = 1;
    int rc = msleep(-1);
    assert(rc == -1 && errno == ECANCELED);
    step = 2;
    int64_t start = now();
    errno = 0; assert(msleep(now() + 5000) == -1 && errno == ECANCELED);
    errno = 0; assert(msleep(-1) == -1 && errno == ECANCELED);
    errno = 0; assert(msleep(0) == -1 && errno == ECANCELED);
    int v = 0;
    errno = 0; assert(chrecv(ch, &v, sizeof(v), -1) == -1 && errno == ECANCELED);
    errno = 0; assert(chsend(ch, &v, sizeof(v), -1) == -1 && errno == ECANCELED);
    errno = 0; assert(yield() == -1 && errno == ECANCELED);
    errno = 0; assert(bundle_wait(other, -1) == -1 && errno == ECANCELED);
    assert(now() - start < 1000);
    step = 3;
}

coroutine static void forever(void) {
    msleep(-1);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int other = go(forever());
    assert(other >= 0);
    int h = go(sleeper(ch[0], other));
    assert(h >= 0);
    assert(step == 1);
    assert(msleep(now() + 20) == 0);
    assert(step == 1);
    assert(hclose(h) == 0);
    assert(step == 3);
    assert(hclose(other) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
