/* choose with nclauses < 0, or with clauses NULL and nclauses > 0, returns
   -1 with EINVAL (not an index), whatever the deadline. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int v;
    struct chclause cl[] = {{CHRECV, ch[0], &v, sizeof(v)}};
    errno = 0;
    assert(choose(cl, -1, 0) == -1 && errno == EINVAL);
    errno = 0;
    assert(choose(cl, -5, -1) == -1 && errno == EINVAL);
    errno = 0;
    assert(choose(NULL, -1, -1) == -1 && errno == EINVAL);
    errno = 0;
    assert(choose(NULL, 1, 0) == -1 && errno == EINVAL);
    errno = 0;
    assert(choose(NULL, 3, -1) == -1 && errno == EINVAL);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
