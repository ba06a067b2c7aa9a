/* Two coroutines bounce a counter back and forth 100,000 times over one
   channel; each checks every value it receives, and the final count is
   exact. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

#define ROUNDS 100000

static long final_ping, final_pong;

coroutine static void ping(int ch) {
    long v = 0;
    for(long i = 0; i < ROUNDS; i++) {
        assert(v == 2 * i);
        assert(chsend(ch, &v, sizeof(v), -1) == 0);
        assert(chrecv(ch, &v, sizeof(v), -1) == 0);
        v++;
    }
    final_ping = v;
    assert(chdone(ch) == 0);
}

coroutine static void pong(int ch) {
    long v, n = 0;
    while(chrecv(ch, &v, sizeof(v), -1) == 0) {
        assert(v == 2 * n);
        v++;
        n++;
        assert(chsend(ch, &v, sizeof(v), -1) == 0);
    }
    assert(errno == EPIPE);
    final_pong = n;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, pong(ch[1])) == 0);
    assert(bundle_go(b, ping(ch[0])) == 0);
    assert(bundle_wait(b, -1) == 0);
    assert(final_ping == 2 * ROUNDS);
    assert(final_pong == ROUNDS);
    assert(hclose(b) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
