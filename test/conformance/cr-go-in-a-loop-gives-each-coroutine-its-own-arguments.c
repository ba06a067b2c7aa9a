/* go(worker(i, ch[1], &slots[i])) in a loop: every coroutine keeps the
   argument values from its own iteration even though the loop variable and
   the caller's locals change while it is blocked; handles are distinct. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

#define N 50

coroutine static void worker(int i, int in, int *slot) {
    int v;
    assert(chrecv(in, &v, sizeof(v), -1) == 0);
    *slot = i * 1000 + v;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int slots[N] = {0};
    int hs[N];
    for(int i = 0; i < N; i++) {
        int local = i;
        hs[i] = go(worker(local, ch[1], &slots[local]));
        assert(hs[i] >= 0);
        for(int j = 0; j < i; j++) assert(hs[j] != hs[i]);
        local = -1;
    }
    for(int i = 0; i < N; i++) assert(slots[i] == 0);
    for(int k = 0; k < N; k++) {
        int v = 7;
        assert(chsend(ch[0], &v, sizeof(v), -1) == 0);
    }
    for(int i = 0; i < N; i++) {
        assert(bundle_wait(hs[i], -1) == 0);
        assert(slots[i] == i * 1000 + 7);
        assert(hclose(hs[i]) == 0);
    }
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
