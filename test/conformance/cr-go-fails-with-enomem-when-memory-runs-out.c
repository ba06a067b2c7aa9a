/* go() keeps starting coroutines (each blocked on msleep(-1)) until memory
   is exhausted; it then fails cleanly with -1/ENOMEM instead of crashing,
   and after the coroutines are closed go() works again. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include "libdill.h"

#define MAXH 200000

coroutine static void parked(void) { msleep(-1); }
static int quick_ran;
coroutine static void quick(void) { quick_ran = 1; }

int main(void) {
    int *hs = malloc(MAXH * sizeof(int));
    assert(hs);
    int n = 0;
    int h;
    while(n < MAXH && (h = go(parked())) >= 0) hs[n++] = h;
    assert(n < MAXH);        /* it did run out */
    assert(h == -1 && errno == ENOMEM);
    assert(n > 100);
    for(int i = 0; i < n; i++) assert(hclose(hs[i]) == 0);
    h = go(quick());
    assert(h >= 0 && quick_ran == 1);
    assert(hclose(h) == 0);
    free(hs);
    return 0;
}
