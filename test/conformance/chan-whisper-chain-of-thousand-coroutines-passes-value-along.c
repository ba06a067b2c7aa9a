/* 1,000 coroutines are linked in a chain by 1,001 channels; each receives
   a number from its right neighbour, adds one and passes it to its left.
   Several numbers injected at the right end all come out at the left end,
   in order, increased by exactly 1,000. */
#include <assert.h>
#include "../libdill.h"

#define N 1000

coroutine static void whisper(int left, int right, int times) {
    for(int i = 0; i < times; i++) {
        int v;
        assert(chrecv(right, &v, sizeof(v), -1) == 0);
        v++;
        assert(chsend(left, &v, sizeof(v), -1) == 0);
    }
}

int main(void) {
    static int chs[N + 1][2];
    for(int i = 0; i <= N; i++) assert(chmake(chs[i]) == 0);
    int b = bundle();
    assert(b >= 0);
    /* coroutine i reads from chs[i+1][0] and writes to chs[i][1] */
    for(int i = 0; i < N; i++)
        assert(bundle_go(b, whisper(chs[i][1], chs[i + 1][0], 3)) == 0);
    for(int k = 0; k < 3; k++) {
        int v = k * 10000;
        assert(chsend(chs[N][1], &v, sizeof(v), -1) == 0);
    }
    for(int k = 0; k < 3; k++) {
        int v = -1;
        assert(chrecv(chs[0][0], &v, sizeof(v), -1) == 0);
        assert(v == k * 10000 + N);
    }
    assert(bundle_wait(b, now() + 5000) == 0);
    assert(hclose(b) == 0);
    for(int i = 0; i <= N; i++) {
        assert(hclose(chs[i][0]) == 0);
        assert(hclose(chs[i][1]) == 0);
    }
    return 0;
}
