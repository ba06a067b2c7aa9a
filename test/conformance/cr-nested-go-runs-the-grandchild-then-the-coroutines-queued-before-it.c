/* A coroutine can itself call go(): the grandchild runs immediately, and
   when it blocks the coroutines queued before it run in first-in,
   first-out order, as in upstream libdill: main (queued when it started
   the child) before the child (queued when it started the grandchild).
   Closing the child's handle cancels the child, which closes the
   grandchild's handle in its cleanup. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

static char trace[32];
static int pos;

coroutine static void grandchild(void) {
    trace[pos++] = 'g';
    assert(msleep(-1) == -1 && errno == ECANCELED);
    trace[pos++] = 'G';
}

coroutine static void child(void) {
    trace[pos++] = 'c';
    int h = go(grandchild());
    assert(h >= 0);
    trace[pos++] = 'C';
    assert(msleep(-1) == -1 && errno == ECANCELED);
    trace[pos++] = 'x';
    assert(hclose(h) == 0);
    trace[pos++] = 'X';
}

int main(void) {
    trace[pos++] = 'm';
    int h = go(child());
    assert(h >= 0);
    trace[pos++] = 'M';
    assert(hclose(h) == 0);
    trace[pos] = 0;
    assert(strcmp(trace, "mcgMCxGX") == 0);
    return 0;
}
