/* chsend and chrecv with deadline now()+50 and no peer fail with ETIMEDOUT
   after roughly 50 ms (generous bounds), and a sender that timed out is
   withdrawn: a receiver arriving afterwards does not get its message. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int v = 1;

    int64_t t0 = now();
    assert(chsend(ch[0], &v, sizeof(v), t0 + 50) == -1 && errno == ETIMEDOUT);
    int64_t d = now() - t0;
    assert(d >= 40 && d <= 500);

    t0 = now();
    assert(chrecv(ch[0], &v, sizeof(v), t0 + 50) == -1 && errno == ETIMEDOUT);
    d = now() - t0;
    assert(d >= 40 && d <= 500);

    t0 = now();
    assert(chrecv(ch[1], &v, sizeof(v), t0 + 30) == -1 && errno == ETIMEDOUT);
    d = now() - t0;
    assert(d >= 20 && d <= 500);

    assert(chrecv(ch[1], &v, sizeof(v), 0) == -1 && errno == ETIMEDOUT);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
