/* A coroutine blocked in chrecv() on a channel nobody writes to is canceled
   by hclose() on its go() handle: chrecv returns -1 with errno ECANCELED,
   and the channel itself stays usable afterwards. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int rc_seen = 99, errno_seen;

coroutine static void reader(int ch) {
    int v;
    rc_seen = chrecv(ch, &v, sizeof(v), -1);
    errno_seen = errno;
}

coroutine static void writer(int ch, int val) {
    assert(chsend(ch, &val, sizeof(val), -1) == 0);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int h = go(reader(ch[0]));
    assert(h >= 0);
    assert(rc_seen == 99);
    assert(hclose(h) == 0);
    assert(rc_seen == -1 && errno_seen == ECANCELED);
    /* The channel still works for others. */
    int w = go(writer(ch[1], 7));
    assert(w >= 0);
    int v = 0;
    assert(chrecv(ch[0], &v, sizeof(v), -1) == 0 && v == 7);
    assert(hclose(w) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
