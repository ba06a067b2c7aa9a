/* hown() also moves built-in handles: a channel end keeps working under its
   new number (and the old one gives EBADF), and hclose() on the new number
   of a coroutine handle cancels that coroutine. hquery() on a channel with a
   type the channel does not know returns NULL with ENOTSUP. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include "libdillimpl.h"

static int canceled;

coroutine static void sleeper(void) {
    if(msleep(-1) == -1 && errno == ECANCELED) canceled = 1;
}

coroutine static void sender(int ch) {
    int v = 7;
    assert(chsend(ch, &v, sizeof(v), -1) == 0);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int rx = hown(ch[1]);
    assert(rx >= 0 && rx != ch[1]);
    /* The old number is invalid (checked before any new handle could take
       it: the manual leaves reuse of an old number undefined). */
    int v = 0;
    errno = 0;
    assert(chrecv(ch[1], &v, sizeof(v), 0) == -1);
    assert(errno == EBADF);

    int unknown_type_id;
    errno = 0;
    assert(hquery(rx, &unknown_type_id) == NULL);
    assert(errno == ENOTSUP);

    int s = go(sender(ch[0]));
    assert(s >= 0);
    assert(chrecv(rx, &v, sizeof(v), now() + 1000) == 0);
    assert(v == 7);
    assert(hclose(s) == 0);
    assert(hclose(ch[0]) == 0);
    assert(hclose(rx) == 0);

    int cr = go(sleeper());
    assert(cr >= 0);
    int cr2 = hown(cr);
    assert(cr2 >= 0 && cr2 != cr);
    errno = 0;
    assert(hclose(cr) == -1);
    assert(errno == EBADF);
    assert(canceled == 0);
    assert(hclose(cr2) == 0);
    assert(canceled == 1);
    return 0;
}
