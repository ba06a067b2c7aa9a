/* What is sent on ch[0] is received on ch[1] and what is sent on ch[1] is
   received on ch[0]; a message is never received back on the end it was
   sent from. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

coroutine static void send_one(int ch, int v) {
    assert(chsend(ch, &v, sizeof(v), -1) == 0);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int v;

    int h = go(send_one(ch[0], 10));
    assert(h >= 0);
    /* nothing is receivable on the sending end */
    assert(chrecv(ch[0], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
    assert(chrecv(ch[1], &v, sizeof(v), -1) == 0 && v == 10);
    assert(hclose(h) == 0);

    h = go(send_one(ch[1], 20));
    assert(h >= 0);
    assert(chrecv(ch[1], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
    assert(chrecv(ch[0], &v, sizeof(v), -1) == 0 && v == 20);
    assert(hclose(h) == 0);

    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
