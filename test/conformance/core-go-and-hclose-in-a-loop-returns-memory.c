/* 300,000 go()+hclose() cycles, half of them cancelling a blocked coroutine:
   the heap does not keep growing. */
#include <assert.h>
#include <unistd.h>
#include "libdill.h"

coroutine static void quick(void) {}
coroutine static void blocked(int ch) { int v; chrecv(ch, &v, sizeof(v), -1); }

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    for(int i = 0; i < 1000; i++) {
        assert(hclose(go(quick())) == 0);
        assert(hclose(go(blocked(ch[0]))) == 0);
    }
    void *brk0 = sbrk(0);
    for(int i = 0; i < 150000; i++) {
        int h = go(quick());
        assert(h >= 0);
        assert(hclose(h) == 0);
        h = go(blocked(ch[0]));
        assert(h >= 0);
        assert(hclose(h) == 0);
    }
    assert((char*)sbrk(0) - (char*)brk0 < 1024 * 1024);
    return 0;
}
