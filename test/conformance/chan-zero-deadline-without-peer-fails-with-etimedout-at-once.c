/* With deadline 0 and nobody on the other end, chsend and chrecv fail
   immediately with ETIMEDOUT (1,000 rounds well under half a second); a
   deadline already in the past also fails with ETIMEDOUT promptly. The
   channel stores nothing: a timed-out send is not received later. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int v = 3;
    int64_t start = now();
    for(int i = 0; i < 1000; i++) {
        assert(chsend(ch[0], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
        assert(chrecv(ch[0], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
        assert(chsend(ch[1], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
        assert(chrecv(ch[1], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
    }
    assert(now() - start < 500);
    start = now();
    for(int i = 0; i < 20; i++) {
        assert(chsend(ch[1], &v, sizeof(v), now() - 10) == -1 && errno == ETIMEDOUT);
        assert(chrecv(ch[1], &v, sizeof(v), now() - 10) == -1 && errno == ETIMEDOUT);
    }
    assert(now() - start < 500);
    /* nothing was buffered by those sends */
    assert(chrecv(ch[1], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
    assert(chrecv(ch[0], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
