/* Including only libdillimpl.h is enough: it includes libdill.h, so go,
   msleep, now, channels and hclose are available alongside hmake/hquery. */
#include <assert.h>
#include "libdillimpl.h"

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }
static void c(struct hvfs *vfs) { (void)vfs; }

coroutine static void echo(int ch) {
    int v;
    if(chrecv(ch, &v, sizeof(v), -1) == 0) chsend(ch, &v, sizeof(v), -1);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int h = go(echo(ch[1]));
    assert(h >= 0);
    int v = 17;
    assert(chsend(ch[0], &v, sizeof(v), now() + 1000) == 0);
    v = 0;
    assert(chrecv(ch[0], &v, sizeof(v), now() + 1000) == 0);
    assert(v == 17);
    struct hvfs x = { q, c };
    int u = hmake(&x);
    assert(u >= 0);
    assert(hclose(u) == 0);
    assert(hclose(h) == 0);
    assert(hclose(ch[0]) == 0);
    assert(hclose(ch[1]) == 0);
    return 0;
}
