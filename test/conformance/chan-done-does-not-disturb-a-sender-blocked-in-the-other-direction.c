/* A coroutine blocked in chsend on ch[1] stays blocked when chdone(ch[0])
   closes the other direction, and its message is then received on ch[0]
   normally; a receiver blocked on ch[0] likewise survives chdone(ch[0]) and
   gets the next message sent on ch[1]. */
#include <assert.h>
#include <errno.h>
#include <libdill.h>

static int s_rc = 99, r_rc = 99, r_val;

coroutine static void sender(int ch, int v) {
    s_rc = chsend(ch, &v, sizeof(v), -1);
}

coroutine static void receiver(int ch) {
    r_rc = chrecv(ch, &r_val, sizeof(r_val), -1);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int h = go(sender(ch[1], 606));
    assert(h >= 0);
    assert(chdone(ch[0]) == 0);
    assert(msleep(now() + 10) == 0);
    assert(s_rc == 99);                   /* still blocked */
    int v = 0;
    assert(chrecv(ch[0], &v, sizeof(v), 0) == 0 && v == 606);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(s_rc == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);

    assert(chmake(ch) == 0);
    h = go(receiver(ch[0]));
    assert(h >= 0);
    assert(chdone(ch[0]) == 0);
    assert(msleep(now() + 10) == 0);
    assert(r_rc == 99);
    v = 707;
    assert(chsend(ch[1], &v, sizeof(v), 0) == 0);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(r_rc == 0 && r_val == 707);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
