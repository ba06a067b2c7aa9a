/* hclose(bundle) does not return until every coroutine in it has exited:
   each coroutine, after its blocked call fails with ECANCELED, runs a
   cleanup that also makes further (failing) blocking calls and then sets a
   flag; all flags are set when hclose returns. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

#define N 10
static int cleaned[N];

coroutine static void worker(int idx, int ch) {
    int v;
    assert(chrecv(ch, &v, sizeof(v), -1) == -1 && errno == ECANCELED);
    /* Cleanup: more blocking calls, all failing immediately. */
    for(int i = 0; i < 3; i++) {
        assert(msleep(now() + 1000) == -1 && errno == ECANCELED);
        assert(yield() == -1 && errno == ECANCELED);
    }
    cleaned[idx] = 1;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int b = bundle();
    assert(b >= 0);
    for(int i = 0; i < N; i++) assert(bundle_go(b, worker(i, ch[0])) == 0);
    for(int i = 0; i < N; i++) assert(cleaned[i] == 0);
    int64_t start = now();
    assert(hclose(b) == 0);
    assert(now() - start < 1000);
    for(int i = 0; i < N; i++) assert(cleaned[i] == 1);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
