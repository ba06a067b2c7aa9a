/* Deadlines: 0 tries once, -1 waits forever, an absolute time times out. */
#include <assert.h>
#include "libdill.h"

coroutine static void late_sender(int ch) {
    assert(msleep(now() + 30) == 0);
    int v = 9;
    assert(chsend(ch, &v, sizeof(v), -1) == 0);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int v;
    int64_t t0 = now();
    assert(chrecv(ch[0], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
    /* Does not block (generous bound: CI machines are busy). */
    assert(now() - t0 < 200);
    t0 = now();
    assert(chrecv(ch[0], &v, sizeof(v), now() + 50) == -1 && errno == ETIMEDOUT);
    int64_t el = now() - t0;
    assert(el >= 49 && el < 2000);
    int h = go(late_sender(ch[1]));
    assert(chrecv(ch[0], &v, sizeof(v), -1) == 0 && v == 9);
    assert(hclose(h) == 0);
    assert(msleep(0) == 0);
    assert(msleep(now() - 5) == 0);
    return 0;
}
