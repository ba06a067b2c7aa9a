/* go(worker(a, b, ...)) with arguments that are array elements (ch[0]),
   struct members, pointers and mixed scalar types: each coroutine gets the
   values as they were when go() was called. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include "libdill.h"

struct cfg { int base; char tag; };

static int64_t results[4];

coroutine static void worker(int in, int out, int idx, struct cfg c,
                             int64_t big, double scale, int64_t *res) {
    int v;
    assert(chrecv(in, &v, sizeof(v), -1) == 0);
    res[idx] = (int64_t)(v * scale) + c.base + c.tag + big;
    assert(chsend(out, &idx, sizeof(idx), -1) == 0);
}

int main(void) {
    int ch[2], back[2];
    assert(chmake(ch) == 0);
    assert(chmake(back) == 0);
    int hs[4];
    struct cfg cfgs[4] = {{100, 'a'}, {200, 'b'}, {300, 'c'}, {400, 'd'}};
    for(int i = 0; i < 4; i++) {
        hs[i] = go(worker(ch[1], back[0], i, cfgs[i], (int64_t)i << 33,
                          i + 0.5, results));
        assert(hs[i] >= 0);
    }
    /* Changing the caller's copies afterwards has no effect on the children. */
    for(int i = 0; i < 4; i++) cfgs[i].base = -1;
    for(int i = 0; i < 4; i++) {
        int v = 2;
        assert(chsend(ch[0], &v, sizeof(v), -1) == 0);
        int idx;
        assert(chrecv(back[1], &idx, sizeof(idx), -1) == 0);
    }
    for(int i = 0; i < 4; i++) {
        int64_t expect = (int64_t)(2 * (i + 0.5)) + 100 * (i + 1) + ('a' + i)
            + ((int64_t)i << 33);
        assert(results[i] == expect);
        assert(hclose(hs[i]) == 0);
    }
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    assert(hclose(back[0]) == 0 && hclose(back[1]) == 0);
    return 0;
}
