/* 100,000 cycles of chmake, a message exchange with a waiting coroutine,
   and hclose of both ends all succeed; closed channel handles do not pile
   up (the handle numbers stay bounded). */
#include <assert.h>
#include <libdill.h>

coroutine static void sender(int ch, int v) {
    assert(chsend(ch, &v, sizeof(v), -1) == 0);
}

int main(void) {
    int maxh = 0;
    for(int i = 0; i < 100000; i++) {
        int ch[2];
        assert(chmake(ch) == 0);
        if(ch[0] > maxh) maxh = ch[0];
        if(ch[1] > maxh) maxh = ch[1];
        if(i % 100 == 0) {
            int h = go(sender(ch[0], i));
            assert(h >= 0);
            int v;
            assert(chrecv(ch[1], &v, sizeof(v), -1) == 0 && v == i);
            assert(hclose(h) == 0);
        }
        if(i % 2) {
            assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
        } else {
            assert(hclose(ch[1]) == 0 && hclose(ch[0]) == 0);
        }
    }
    assert(maxh < 1000);
    return 0;
}
