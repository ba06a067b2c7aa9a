/* bundle_go_mem() returns 0 and runs each coroutine on the caller's buffer
   (one slice of a malloc'd block per coroutine); the coroutines are
   waited for with bundle_wait and canceled with hclose like any other. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include "libdill.h"

#define N 8
#define STK 32768

static int finished, canceled;

coroutine static void sleeper(int ms) {
    int rc = msleep(ms < 0 ? -1 : now() + ms);
    if(rc == 0) finished++;
    else { assert(errno == ECANCELED); canceled++; }
}

int main(void) {
    char *mem = malloc(N * STK);
    assert(mem);
    int b = bundle();
    assert(b >= 0);
    for(int i = 0; i < N; i++)
        assert(bundle_go_mem(b, sleeper(5 + i), mem + i * STK, STK) == 0);
    assert(bundle_wait(b, now() + 5000) == 0);
    assert(finished == N && canceled == 0);
    /* Reuse the same memory for coroutines that never finish on their own. */
    for(int i = 0; i < N; i++)
        assert(bundle_go_mem(b, sleeper(-1), mem + i * STK, STK) == 0);
    assert(bundle_wait(b, now() + 20) == -1 && errno == ETIMEDOUT);
    assert(hclose(b) == 0);
    assert(canceled == N);
    free(mem);
    return 0;
}
