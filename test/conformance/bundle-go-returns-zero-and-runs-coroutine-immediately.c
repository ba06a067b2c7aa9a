/* bundle_go() returns 0 (not a handle) and, like go(), runs the new
   coroutine at once; the caller resumes when it blocks. Several coroutines
   share the one bundle. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int entered, left;

coroutine static void member(int ch) {
    entered++;
    int v;
    assert(chrecv(ch, &v, sizeof(v), -1) == 0);
    left++;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int b = bundle();
    assert(b >= 0);
    for(int i = 1; i <= 5; i++) {
        assert(bundle_go(b, member(ch[0])) == 0);
        assert(entered == i);
        assert(left == 0);
    }
    assert(bundle_wait(b, 0) == -1 && errno == ETIMEDOUT);
    for(int i = 0; i < 5; i++)
        assert(chsend(ch[1], &i, sizeof(i), -1) == 0);
    assert(bundle_wait(b, -1) == 0);
    assert(left == 5);
    assert(hclose(b) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
