/* choose with deadline 0 and no clause ready returns -1 with ETIMEDOUT
   without blocking (1,000 calls well under half a second); a deadline
   already past also gives ETIMEDOUT promptly; nothing is left behind on the
   channels. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    int a[2], b[2];
    assert(chmake(a) == 0 && chmake(b) == 0);
    int x = 1, y = 0;
    struct chclause cl[] = {
        {CHSEND, a[0], &x, sizeof(x)},
        {CHRECV, b[0], &y, sizeof(y)},
    };
    int64_t t0 = now();
    for(int i = 0; i < 1000; i++) {
        errno = 0;
        assert(choose(cl, 2, 0) == -1 && errno == ETIMEDOUT);
    }
    assert(now() - t0 < 500);
    t0 = now();
    for(int i = 0; i < 20; i++) {
        errno = 0;
        assert(choose(cl, 2, now() - 5) == -1 && errno == ETIMEDOUT);
    }
    assert(now() - t0 < 500);
    assert(chrecv(a[1], &y, sizeof(y), 0) == -1 && errno == ETIMEDOUT);
    assert(chsend(b[1], &x, sizeof(x), 0) == -1 && errno == ETIMEDOUT);
    assert(hclose(a[0]) == 0 && hclose(a[1]) == 0);
    assert(hclose(b[0]) == 0 && hclose(b[1]) == 0);
    return 0;
}
