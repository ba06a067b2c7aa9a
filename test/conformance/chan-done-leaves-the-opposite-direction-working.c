/* chdone(ch[0]) only closes the direction ch[0] -> ch[1]: messages still
   flow from ch[1] to ch[0] afterwards, in both blocking orders, until
   chdone(ch[1]) closes that direction too. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

coroutine static void producer(int ch, int n) {
    for(int i = 0; i < n; i++) assert(chsend(ch, &i, sizeof(i), -1) == 0);
    assert(chdone(ch) == 0);
}

coroutine static void consumer(int ch, int *sum) {
    int v;
    while(chrecv(ch, &v, sizeof(v), -1) == 0) *sum += v;
    assert(errno == EPIPE);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    assert(chdone(ch[0]) == 0);
    int v;
    assert(chrecv(ch[1], &v, sizeof(v), 0) == -1 && errno == EPIPE);

    /* ch[1] -> ch[0]: producer blocks first */
    int h = go(producer(ch[1], 10));
    assert(h >= 0);
    int sum = 0;
    while(chrecv(ch[0], &v, sizeof(v), -1) == 0) sum += v;
    assert(errno == EPIPE);
    assert(sum == 45);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);

    /* second channel: receiver on ch[0] blocks first */
    assert(chmake(ch) == 0);
    assert(chdone(ch[0]) == 0);
    int sum2 = 0;
    h = go(consumer(ch[0], &sum2));
    assert(h >= 0);
    for(int i = 1; i <= 4; i++) assert(chsend(ch[1], &i, sizeof(i), -1) == 0);
    assert(chdone(ch[1]) == 0);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(sum2 == 10);
    assert(chsend(ch[1], &v, sizeof(v), 0) == -1 && errno == EPIPE);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
