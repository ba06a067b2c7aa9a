/* Several coroutines block in chsend() on the same end, one after the
   other; the receiver gets their messages in the order they started
   waiting. */
#include <assert.h>
#include "libdill.h"

#define N 20

coroutine static void sender(int ch, int v) {
    assert(chsend(ch, &v, sizeof(v), -1) == 0);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int b = bundle();
    assert(b >= 0);
    for(int i = 0; i < N; i++) assert(bundle_go(b, sender(ch[0], i * 3)) == 0);
    for(int i = 0; i < N; i++) {
        int v = -1;
        assert(chrecv(ch[1], &v, sizeof(v), -1) == 0);
        assert(v == i * 3);
    }
    assert(bundle_wait(b, now() + 1000) == 0);
    assert(hclose(b) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
