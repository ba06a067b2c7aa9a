/* Channel basics end to end: rendezvous in both directions, EMSGSIZE for
   both peers, chdone -> EPIPE, choose picks the first ready clause. */
#include <assert.h>
#include "libdill.h"

coroutine static void echo(int ch) {
    int v;
    while(chrecv(ch, &v, sizeof(v), -1) == 0) {
        v *= 2;
        assert(chsend(ch, &v, sizeof(v), -1) == 0);
    }
    assert(errno == EPIPE);
}

coroutine static void wrong_size(int ch) {
    char c = 1;
    assert(chsend(ch, &c, 1, -1) == -1 && errno == EMSGSIZE);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int h = go(echo(ch[1]));
    for(int i = 0; i < 1000; i++) {
        int v = i;
        assert(chsend(ch[0], &v, sizeof(v), -1) == 0);
        assert(chrecv(ch[0], &v, sizeof(v), -1) == 0 && v == 2 * i);
    }
    assert(chdone(ch[0]) == 0);
    assert(chdone(ch[0]) == -1 && errno == EPIPE);
    assert(bundle_wait(h, now() + 1000) == 0);
    assert(hclose(h) == 0);

    int c2[2];
    assert(chmake(c2) == 0);
    h = go(wrong_size(c2[0]));
    int v;
    assert(chrecv(c2[1], &v, sizeof(v), -1) == -1 && errno == EMSGSIZE);
    assert(hclose(h) == 0);

    int a[2], b[2];
    assert(chmake(a) == 0 && chmake(b) == 0);
    struct chclause cl[] = {{CHRECV, a[0], &v, sizeof(v)}, {CHRECV, b[0], &v, sizeof(v)}};
    assert(choose(cl, 2, 0) == -1 && errno == ETIMEDOUT);
    assert(chdone(b[1]) == 0);
    /* b is done: its clause completes at once, with EPIPE. */
    assert(choose(cl, 2, -1) == 1 && errno == EPIPE);
    assert(hclose(a[0]) == 0 && hclose(a[1]) == 0);
    assert(hclose(b[0]) == 0 && hclose(b[1]) == 0);
    assert(hclose(c2[0]) == 0 && hclose(c2[1]) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
