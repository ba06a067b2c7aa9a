/* Several coroutines block in chrecv() on the same end, one after the
   other; successive sends go to them in the order they started waiting. */
#include <assert.h>
#include "libdill.h"

#define N 20

static int got[N];

coroutine static void receiver(int ch, int idx) {
    int v;
    assert(chrecv(ch, &v, sizeof(v), -1) == 0);
    got[idx] = v;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int b = bundle();
    assert(b >= 0);
    for(int i = 0; i < N; i++) {
        got[i] = -1;
        assert(bundle_go(b, receiver(ch[1], i)) == 0);
    }
    for(int i = 0; i < N; i++) {
        int v = 100 + i;
        /* a receiver is always waiting: non-blocking send suffices */
        assert(chsend(ch[0], &v, sizeof(v), 0) == 0);
    }
    assert(bundle_wait(b, now() + 1000) == 0);
    for(int i = 0; i < N; i++) assert(got[i] == 100 + i);
    assert(hclose(b) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
