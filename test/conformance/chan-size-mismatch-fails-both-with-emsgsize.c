/* If sender and receiver disagree on the message size, both chsend() and
   chrecv() fail with EMSGSIZE, whichever of them was waiting first and
   whether the sender's message is bigger or smaller. The receiver's buffer
   is not written, and the channel works normally afterwards. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int s_rc, s_err, r_rc, r_err;

coroutine static void sender(int ch, size_t len) {
    char buf[16] = "0123456789abcde";
    s_rc = chsend(ch, buf, len, -1);
    s_err = errno;
}

coroutine static void receiver(int ch, size_t len, char *buf) {
    r_rc = chrecv(ch, buf, len, -1);
    r_err = errno;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    char buf[16];

    /* sender waits first, sends 8, receiver wants 4 */
    int h = go(sender(ch[0], 8));
    assert(h >= 0);
    for(int i = 0; i < 16; i++) buf[i] = 'X';
    assert(chrecv(ch[1], buf, 4, -1) == -1 && errno == EMSGSIZE);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(s_rc == -1 && s_err == EMSGSIZE);
    for(int i = 0; i < 16; i++) assert(buf[i] == 'X');

    /* sender waits first, sends 2, receiver wants 8 */
    h = go(sender(ch[1], 2));
    assert(h >= 0);
    assert(chrecv(ch[0], buf, 8, -1) == -1 && errno == EMSGSIZE);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(s_rc == -1 && s_err == EMSGSIZE);

    /* receiver waits first, wants 4, sender sends 8 */
    h = go(receiver(ch[1], 4, buf));
    assert(h >= 0);
    char msg[8] = "abcdefg";
    assert(chsend(ch[0], msg, 8, -1) == -1 && errno == EMSGSIZE);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(r_rc == -1 && r_err == EMSGSIZE);
    for(int i = 0; i < 16; i++) assert(buf[i] == 'X');

    /* receiver waits first, wants 8, sender sends 0 */
    h = go(receiver(ch[0], 8, buf));
    assert(h >= 0);
    assert(chsend(ch[1], NULL, 0, -1) == -1 && errno == EMSGSIZE);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(r_rc == -1 && r_err == EMSGSIZE);

    /* matching sizes work afterwards */
    h = go(sender(ch[0], 5));
    assert(h >= 0);
    assert(chrecv(ch[1], buf, 5, -1) == 0);
    assert(buf[0] == '0' && buf[4] == '4' && buf[5] == 'X');
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    assert(s_rc == 0);

    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
