/* In a bundle where some coroutines have already finished and others are
   still blocked, hclose() cancels just the remaining ones (they see
   ECANCELED); the finished ones are not run again or disturbed. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int runs[6], canceled[6], finished[6];

coroutine static void job(int idx, int ms) {
    runs[idx]++;
    int rc = msleep(ms < 0 ? -1 : now() + ms);
    if(rc == 0) finished[idx]++;
    else { assert(errno == ECANCELED); canceled[idx]++; }
}

int main(void) {
    int b = bundle();
    assert(b >= 0);
    for(int i = 0; i < 6; i++)
        assert(bundle_go(b, job(i, i % 2 == 0 ? 5 : -1)) == 0);
    assert(msleep(now() + 50) == 0);
    assert(bundle_wait(b, 0) == -1 && errno == ETIMEDOUT);
    assert(hclose(b) == 0);
    for(int i = 0; i < 6; i++) {
        assert(runs[i] == 1);
        if(i % 2 == 0) assert(finished[i] == 1 && canceled[i] == 0);
        else assert(finished[i] == 0 && canceled[i] == 1);
    }
    return 0;
}
