/* go_mem() accepts a buffer that is not aligned (the library aligns the
   stack itself); the coroutine runs on it, can block and use locals, and the
   buffer can be reused for a new coroutine after hclose().

   `out` and the channel are statics: upstream's go_mem() switches to the
   new stack before it evaluates the call's arguments, so natively (gcc -O1)
   the address of a caller's local taken there points into the new stack. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include "libdill.h"

coroutine static void fill(int ch, int seed, int *out) {
    char local[1024];
    memset(local, seed, sizeof(local));
    int v;
    assert(chrecv(ch, &v, sizeof(v), -1) == 0);
    int sum = 0;
    for(size_t i = 0; i < sizeof(local); i++) sum += (unsigned char)local[i];
    *out = sum + v;
}

static int out;
static int ch[2];

int main(void) {
    char *raw = malloc(65536 + 16);
    assert(raw);
    char *mem = raw + 3;  /* deliberately misaligned */
    assert(chmake(ch) == 0);
    for(int round = 0; round < 3; round++) {
        out = -1;
        int h = go_mem(fill(ch[0], round + 1, &out), mem, 65536);
        assert(h >= 0);
        assert(out == -1);
        int v = 1000;
        assert(chsend(ch[1], &v, sizeof(v), -1) == 0);
        assert(bundle_wait(h, -1) == 0);
        assert(out == 1024 * (round + 1) + 1000);
        assert(hclose(h) == 0);
    }
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    free(raw);
    return 0;
}
