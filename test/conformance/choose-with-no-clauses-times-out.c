/* choose with zero clauses (NULL or not) is valid: it has nothing to do, so
   with deadline 0 it fails with ETIMEDOUT at once, and with a deadline of
   now()+30 it fails with ETIMEDOUT after about that long. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    struct chclause cl[1];
    errno = 0;
    assert(choose(NULL, 0, 0) == -1 && errno == ETIMEDOUT);
    errno = 0;
    assert(choose(cl, 0, 0) == -1 && errno == ETIMEDOUT);
    int64_t t0 = now();
    assert(choose(NULL, 0, t0 + 30) == -1 && errno == ETIMEDOUT);
    int64_t d = now() - t0;
    assert(d >= 20 && d <= 500);
    return 0;
}
