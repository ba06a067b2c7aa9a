/* chmake_mem() builds a channel inside caller-provided struct chstorage:
   it carries messages both ways, supports chdone, and the same storage can
   be reused for a new channel after both ends are closed. Storage inside
   an array of structs and in a static object both work. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

struct holder { char pad; struct chstorage st; int tail; };

coroutine static void doubler(int ch) {
    long v;
    while(chrecv(ch, &v, sizeof(v), -1) == 0) {
        v *= 2;
        assert(chsend(ch, &v, sizeof(v), -1) == 0);
    }
    assert(errno == EPIPE);
}

static struct chstorage static_st;

static void exercise(struct chstorage *st) {
    int ch[2];
    assert(chmake_mem(st, ch) == 0);
    assert(ch[0] >= 0 && ch[1] >= 0 && ch[0] != ch[1]);
    int h = go(doubler(ch[1]));
    assert(h >= 0);
    for(long i = 0; i < 100; i++) {
        long v = i;
        assert(chsend(ch[0], &v, sizeof(v), -1) == 0);
        assert(chrecv(ch[0], &v, sizeof(v), -1) == 0);
        assert(v == 2 * i);
    }
    assert(chdone(ch[0]) == 0);
    assert(bundle_wait(h, now() + 1000) == 0);
    assert(hclose(h) == 0);
    assert(hclose(ch[1]) == 0);
    assert(hclose(ch[0]) == 0);
}

int main(void) {
    struct holder hs[3];
    memset(hs, 0, sizeof(hs));
    for(int i = 0; i < 3; i++) hs[i].tail = 0x5a5a5a5a;
    for(int round = 0; round < 3; round++)
        for(int i = 0; i < 3; i++) exercise(&hs[i].st);
    for(int i = 0; i < 3; i++) assert(hs[i].tail == 0x5a5a5a5a);
    exercise(&static_st);
    exercise(&static_st);
    return 0;
}
