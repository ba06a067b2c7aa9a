/* choose with deadline now()+50 and no clause becoming ready returns -1
   with ETIMEDOUT after roughly 50 ms (generous bounds); its clauses are
   withdrawn afterwards. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    int a[2], b[2];
    assert(chmake(a) == 0 && chmake(b) == 0);
    int x = 1, y = 0;
    struct chclause cl[] = {
        {CHRECV, a[0], &y, sizeof(y)},
        {CHSEND, b[0], &x, sizeof(x)},
    };
    int64_t t0 = now();
    assert(choose(cl, 2, t0 + 50) == -1 && errno == ETIMEDOUT);
    int64_t d = now() - t0;
    assert(d >= 40 && d <= 500);
    assert(chsend(a[1], &x, sizeof(x), 0) == -1 && errno == ETIMEDOUT);
    assert(chrecv(b[1], &y, sizeof(y), 0) == -1 && errno == ETIMEDOUT);
    assert(hclose(a[0]) == 0 && hclose(a[1]) == 0);
    assert(hclose(b[0]) == 0 && hclose(b[1]) == 0);
    return 0;
}
