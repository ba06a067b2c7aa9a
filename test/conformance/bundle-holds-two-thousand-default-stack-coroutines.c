/* One bundle holds 2,000 coroutines started with bundle_go() (default
   stacks), all blocked on the same channel; half are released and finish,
   hclose cancels the other half, and every one is accounted for. */
#include <assert.h>
#include <errno.h>
#include <libdill.h>

#define N 2000

static int got, canceled;

coroutine static void member(int ch) {
    int v;
    if(chrecv(ch, &v, sizeof(v), -1) == 0) got++;
    else { assert(errno == ECANCELED); canceled++; }
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int b = bundle();
    assert(b >= 0);
    for(int i = 0; i < N; i++) assert(bundle_go(b, member(ch[0])) == 0);
    for(int i = 0; i < N / 2; i++) assert(chsend(ch[1], &i, sizeof(i), -1) == 0);
    assert(yield() == 0);
    assert(bundle_wait(b, now() + 10) == -1 && errno == ETIMEDOUT);
    assert(hclose(b) == 0);
    assert(got == N / 2 && canceled == N / 2);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
