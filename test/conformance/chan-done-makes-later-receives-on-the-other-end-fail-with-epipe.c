/* After chdone(ch[0]) every chrecv on ch[1] fails with EPIPE, immediately,
   with any deadline (0, future, -1), every time. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    assert(chdone(ch[0]) == 0);
    int v;
    int64_t t0 = now();
    for(int i = 0; i < 3; i++) {
        errno = 0;
        assert(chrecv(ch[1], &v, sizeof(v), -1) == -1 && errno == EPIPE);
        errno = 0;
        assert(chrecv(ch[1], &v, sizeof(v), 0) == -1 && errno == EPIPE);
        errno = 0;
        assert(chrecv(ch[1], &v, sizeof(v), now() + 1000) == -1 && errno == EPIPE);
        errno = 0;
        assert(chrecv(ch[1], NULL, 0, -1) == -1 && errno == EPIPE);
    }
    assert(now() - t0 < 500);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
