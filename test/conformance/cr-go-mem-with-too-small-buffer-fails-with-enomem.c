/* go_mem() with a buffer far too small to hold a coroutine (64 bytes, and
   0 bytes) returns -1 with errno ENOMEM and does not run the coroutine;
   a properly sized buffer then works. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int ran;

coroutine static void work(int x) { ran += x; }

static char tiny[64];
static char ok[32768];

int main(void) {
    errno = 0;
    assert(go_mem(work(1), tiny, sizeof(tiny)) == -1);
    assert(errno == ENOMEM);
    errno = 0;
    assert(go_mem(work(1), tiny, 0) == -1);
    assert(errno == ENOMEM);
    assert(ran == 0);
    int h = go_mem(work(5), ok, sizeof(ok));
    assert(h >= 0);
    assert(ran == 5);
    assert(hclose(h) == 0);
    return 0;
}
