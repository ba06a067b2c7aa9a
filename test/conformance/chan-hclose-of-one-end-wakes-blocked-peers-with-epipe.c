/* Closing one end with hclose wakes coroutines blocked on the other end,
   receivers and senders alike, with -1/EPIPE; later operations on the
   surviving end fail with EPIPE too, while the closed end is gone (EBADF). */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int epipes, others;

coroutine static void receiver(int ch) {
    int v;
    if(chrecv(ch, &v, sizeof(v), -1) == -1 && errno == EPIPE) epipes++;
    else others++;
}

coroutine static void sender(int ch) {
    int v = 1;
    if(chsend(ch, &v, sizeof(v), -1) == -1 && errno == EPIPE) epipes++;
    else others++;
}

int main(void) {
    int ch[2];
    int v = 0;

    /* blocked receivers */
    assert(chmake(ch) == 0);
    int b = bundle();
    assert(b >= 0);
    for(int i = 0; i < 3; i++) assert(bundle_go(b, receiver(ch[1])) == 0);
    assert(hclose(ch[0]) == 0);
    assert(bundle_wait(b, now() + 1000) == 0);
    assert(epipes == 3 && others == 0);
    assert(chrecv(ch[1], &v, sizeof(v), -1) == -1 && errno == EPIPE);
    assert(chsend(ch[1], &v, sizeof(v), -1) == -1 && errno == EPIPE);
    assert(chsend(ch[0], &v, sizeof(v), -1) == -1 && errno == EBADF);
    assert(hclose(ch[1]) == 0);
    assert(hclose(b) == 0);

    /* blocked senders */
    epipes = 0;
    assert(chmake(ch) == 0);
    b = bundle();
    assert(b >= 0);
    for(int i = 0; i < 3; i++) assert(bundle_go(b, sender(ch[0])) == 0);
    assert(hclose(ch[1]) == 0);
    assert(bundle_wait(b, now() + 1000) == 0);
    assert(epipes == 3 && others == 0);
    assert(chsend(ch[0], &v, sizeof(v), 0) == -1 && errno == EPIPE);
    assert(chrecv(ch[0], &v, sizeof(v), 0) == -1 && errno == EPIPE);
    assert(hclose(ch[0]) == 0);
    assert(hclose(b) == 0);
    return 0;
}
