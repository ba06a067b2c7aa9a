/* 100,000 coroutines alive at once, each started with go_mem() on its own
   16 KiB slice of one malloc'd block and each asleep in msleep(-1); every
   go_mem handle is then closed, each coroutine sees ECANCELED and records
   it before its hclose returns. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include "libdill.h"

#define N 100000
#define STACK 16384

static unsigned char *state;   /* 0 = not started, 1 = asleep, 2 = canceled */

coroutine static void dozer(int idx) {
    state[idx] = 1;
    int rc = msleep(-1);
    assert(rc == -1 && errno == ECANCELED);
    state[idx] = 2;
}

int main(void) {
    char *mem = malloc((size_t)N * STACK);
    assert(mem);
    state = calloc(N, 1);
    int *hs = malloc(N * sizeof(int));
    assert(state && hs);
    for(int i = 0; i < N; i++) {
        hs[i] = go_mem(dozer(i), mem + (size_t)i * STACK, STACK);
        assert(hs[i] >= 0);
        assert(state[i] == 1);
    }
    /* Let the scheduler run with all of them parked. */
    assert(msleep(now() + 10) == 0);
    assert(yield() == 0);
    for(int i = 0; i < N; i++) assert(state[i] == 1);
    for(int i = N - 1; i >= 0; i--) {
        assert(hclose(hs[i]) == 0);
        assert(state[i] == 2);
    }
    free(hs);
    free(state);
    free(mem);
    return 0;
}
