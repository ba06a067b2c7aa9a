/* hclose() on a bundle cancels every coroutine in it wherever it is
   blocked (msleep, chrecv, chsend, choose, yield loop, bundle_wait on
   another bundle): each sees -1/ECANCELED. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int canceled;

coroutine static void in_msleep(void) {
    assert(msleep(now() + 60000) == -1 && errno == ECANCELED); canceled++;
}
coroutine static void in_chrecv(int ch) {
    int v;
    assert(chrecv(ch, &v, sizeof(v), -1) == -1 && errno == ECANCELED); canceled++;
}
coroutine static void in_chsend(int ch) {
    int v = 1;
    assert(chsend(ch, &v, sizeof(v), -1) == -1 && errno == ECANCELED); canceled++;
}
coroutine static void in_choose(int ch) {
    int v;
    struct chclause cl[] = {{CHRECV, ch, &v, sizeof(v)}};
    assert(choose(cl, 1, -1) == -1 && errno == ECANCELED); canceled++;
}
coroutine static void in_yield(void) {
    while(yield() == 0) {}
    assert(errno == ECANCELED); canceled++;
}
coroutine static void in_wait(int other) {
    assert(bundle_wait(other, -1) == -1 && errno == ECANCELED); canceled++;
}
coroutine static void forever(void) { msleep(-1); }

int main(void) {
    int ch[2], ch2[2], ch3[2];
    assert(chmake(ch) == 0);
    assert(chmake(ch2) == 0);
    assert(chmake(ch3) == 0);
    int other = bundle();
    assert(other >= 0);
    assert(bundle_go(other, forever()) == 0);
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, in_msleep()) == 0);
    assert(bundle_go(b, in_chrecv(ch[0])) == 0);
    assert(bundle_go(b, in_chsend(ch2[1])) == 0);
    assert(bundle_go(b, in_choose(ch3[0])) == 0);
    assert(bundle_go(b, in_yield()) == 0);
    assert(bundle_go(b, in_wait(other)) == 0);
    assert(msleep(now() + 20) == 0);
    assert(canceled == 0);
    assert(hclose(b) == 0);
    assert(canceled == 6);
    assert(hclose(other) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    assert(hclose(ch2[0]) == 0 && hclose(ch2[1]) == 0);
    assert(hclose(ch3[0]) == 0 && hclose(ch3[1]) == 0);
    return 0;
}
