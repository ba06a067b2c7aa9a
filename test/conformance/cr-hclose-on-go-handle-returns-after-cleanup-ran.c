/* hclose() on the handle go() returned does not return until the canceled
   coroutine has finished, including cleanup code that runs after its
   blocked call failed with ECANCELED (closing its own channel, freeing
   memory, setting a flag). */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include "libdill.h"

static int cleaned;
static int started;

coroutine static void owner(int *slot) {
    int ch[2];
    assert(chmake(ch) == 0);
    char *buf = malloc(1000);
    assert(buf);
    started = 1;
    int v;
    int rc = chrecv(ch[0], &v, sizeof(v), -1);
    assert(rc == -1 && errno == ECANCELED);
    free(buf);
    assert(hclose(ch[0]) == 0);
    assert(hclose(ch[1]) == 0);
    *slot = 1;
    cleaned = 1;
}

int main(void) {
    int slot = 0;
    int h = go(owner(&slot));
    assert(h >= 0);
    assert(started == 1 && cleaned == 0);
    assert(msleep(now() + 10) == 0);
    assert(cleaned == 0);
    assert(hclose(h) == 0);
    assert(cleaned == 1 && slot == 1);
    return 0;
}
