/* 100,000 coroutines alive at once, each on a 4 KiB bundle_go_mem stack;
   all block, all are released through a channel, all finish.

   The counter is a static: upstream's go macros switch to the new stack
   before they evaluate the call's arguments, so natively (gcc -O1) the
   address of a caller's local taken there points into the new stack. */
#include <assert.h>
#include <stdlib.h>
#include "libdill.h"

#define N 100000
#define STACK 4096

static int done;

coroutine static void waiter(int ch) {
    int v;
    assert(chrecv(ch, &v, sizeof(v), -1) == 0);
    done++;
}

int main(void) {
    char *mem = malloc((size_t)N * STACK);
    assert(mem);
    int ch[2];
    assert(chmake(ch) == 0);
    int b = bundle();
    for(int i = 0; i < N; i++)
        assert(bundle_go_mem(b, waiter(ch[1]), mem + (size_t)i * STACK, STACK) == 0);
    assert(done == 0);
    for(int i = 0; i < N; i++) assert(chsend(ch[0], &i, sizeof(i), -1) == 0);
    assert(bundle_wait(b, now() + 30000) == 0);
    assert(done == N);
    assert(hclose(b) == 0);
    free(mem);
    return 0;
}
