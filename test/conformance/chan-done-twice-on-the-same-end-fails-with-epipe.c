/* A second chdone on the same end fails with EPIPE (and a third too), while
   chdone on the other end still succeeds once. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    assert(chdone(ch[1]) == 0);
    errno = 0;
    assert(chdone(ch[1]) == -1 && errno == EPIPE);
    errno = 0;
    assert(chdone(ch[1]) == -1 && errno == EPIPE);
    assert(chdone(ch[0]) == 0);
    errno = 0;
    assert(chdone(ch[0]) == -1 && errno == EPIPE);
    assert(hclose(ch[1]) == 0 && hclose(ch[0]) == 0);
    return 0;
}
