/* Several coroutines each block in a choose with one send clause on the
   same end; receivers on the other end take their values in the order the
   choosers started waiting, and each chooser sees its own index 0 with
   errno 0. A choose with a deadline is completed before it expires. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

#define N 8

static int done_ok;

coroutine static void chooser(int ch, int v, int64_t deadline) {
    int idle[2];
    assert(chmake(idle) == 0);
    int dummy;
    struct chclause cl[] = {{CHRECV, idle[0], &dummy, sizeof(dummy)},
                            {CHSEND, ch, &v, sizeof(v)}};
    int rc = choose(cl, 2, deadline);
    if(rc == 1 && errno == 0) done_ok++;
    assert(hclose(idle[0]) == 0 && hclose(idle[1]) == 0);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int b = bundle();
    assert(b >= 0);
    for(int i = 0; i < N; i++)
        assert(bundle_go(b, chooser(ch[0], i * 11, i % 2 ? -1 : now() + 5000)) == 0);
    int64_t t0 = now();
    for(int i = 0; i < N; i++) {
        int v = -1;
        assert(chrecv(ch[1], &v, sizeof(v), now() + 1000) == 0);
        assert(v == i * 11);
    }
    assert(bundle_wait(b, now() + 1000) == 0);
    assert(now() - t0 < 1000);
    assert(done_ok == N);
    assert(hclose(b) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
