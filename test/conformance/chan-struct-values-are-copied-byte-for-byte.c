/* A struct sent through a channel arrives as an exact copy in the
   receiver's own buffer; changing the sender's variable afterwards does not
   affect what was received. Works whichever side blocks first. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

struct point {
    char name[13];
    double x, y;
    long long id;
    unsigned char flags[3];
};

static struct point make(int seed) {
    struct point p;
    memset(&p, 0, sizeof(p));
    for(int i = 0; i < 12; i++) p.name[i] = (char)('a' + (seed + i) % 26);
    p.x = seed * 1.5;
    p.y = -seed / 4.0;
    p.id = 0x1122334455667788LL + seed;
    p.flags[0] = (unsigned char)seed; p.flags[1] = 0xff; p.flags[2] = 0x80;
    return p;
}

coroutine static void sender(int ch, int seed) {
    struct point p = make(seed);
    assert(chsend(ch, &p, sizeof(p), -1) == 0);
    memset(&p, 0xee, sizeof(p));     /* scribble over the original */
}

coroutine static void receiver(int ch, struct point *out) {
    assert(chrecv(ch, out, sizeof(*out), -1) == 0);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);

    /* sender blocks first */
    int h = go(sender(ch[0], 7));
    assert(h >= 0);
    struct point r;
    memset(&r, 0, sizeof(r));
    assert(chrecv(ch[1], &r, sizeof(r), -1) == 0);
    struct point e = make(7);
    assert(memcmp(&r, &e, sizeof(r)) == 0);
    assert(strcmp(r.name, e.name) == 0 && r.x == 10.5 && r.id == e.id);
    assert(bundle_wait(h, -1) == 0 && hclose(h) == 0);

    /* receiver blocks first */
    struct point r2;
    memset(&r2, 0, sizeof(r2));
    h = go(receiver(ch[0], &r2));
    assert(h >= 0);
    struct point s = make(19);
    assert(chsend(ch[1], &s, sizeof(s), -1) == 0);
    memset(&s, 0, sizeof(s));
    assert(bundle_wait(h, -1) == 0 && hclose(h) == 0);
    e = make(19);
    assert(memcmp(&r2, &e, sizeof(r2)) == 0);

    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
