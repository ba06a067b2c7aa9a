/* chsend, chrecv and chdone on handles that were never issued (negative,
   huge) or that were already closed fail with EBADF; so does hclose on an
   already closed channel end. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    int v = 0;
    int bad[] = {-1, -100, 12345, 1 << 30};
    for(int i = 0; i < 4; i++) {
        errno = 0;
        assert(chsend(bad[i], &v, sizeof(v), 0) == -1 && errno == EBADF);
        errno = 0;
        assert(chrecv(bad[i], &v, sizeof(v), -1) == -1 && errno == EBADF);
        errno = 0;
        assert(chdone(bad[i]) == -1 && errno == EBADF);
    }
    int ch[2];
    assert(chmake(ch) == 0);
    assert(hclose(ch[0]) == 0);
    assert(chsend(ch[0], &v, sizeof(v), -1) == -1 && errno == EBADF);
    assert(chrecv(ch[0], &v, sizeof(v), -1) == -1 && errno == EBADF);
    assert(chdone(ch[0]) == -1 && errno == EBADF);
    assert(hclose(ch[0]) == -1 && errno == EBADF);
    assert(hclose(ch[1]) == 0);
    assert(chsend(ch[1], &v, sizeof(v), -1) == -1 && errno == EBADF);
    assert(chrecv(ch[1], &v, sizeof(v), 0) == -1 && errno == EBADF);
    assert(chdone(ch[1]) == -1 && errno == EBADF);
    assert(hclose(ch[1]) == -1 && errno == EBADF);
    return 0;
}
