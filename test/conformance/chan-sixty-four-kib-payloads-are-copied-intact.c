/* 64 KiB messages (and one of 1 MiB) go through a channel without
   corruption, in both directions and whichever side blocks first. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "libdill.h"

#define SZ (64 * 1024)
#define BIG (1024 * 1024)

static void fill(unsigned char *p, size_t n, unsigned seed) {
    unsigned x = seed * 2654435761u + 1;
    for(size_t i = 0; i < n; i++) { x = x * 1103515245u + 12345u; p[i] = (unsigned char)(x >> 16); }
}

coroutine static void echo(int ch, size_t n, int times) {
    unsigned char *buf = malloc(n);
    assert(buf);
    for(int i = 0; i < times; i++) {
        assert(chrecv(ch, buf, n, -1) == 0);
        assert(chsend(ch, buf, n, -1) == 0);
    }
    free(buf);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    unsigned char *out = malloc(BIG), *in = malloc(BIG), *ref = malloc(BIG);
    assert(out && in && ref);

    int h = go(echo(ch[1], SZ, 10));
    assert(h >= 0);
    for(unsigned r = 0; r < 10; r++) {
        fill(out, SZ, r);
        memcpy(ref, out, SZ);
        assert(chsend(ch[0], out, SZ, -1) == 0);
        memset(out, 0, SZ);
        memset(in, 0x33, SZ);
        assert(chrecv(ch[0], in, SZ, -1) == 0);
        assert(memcmp(in, ref, SZ) == 0);
    }
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);

    h = go(echo(ch[0], BIG, 2));
    assert(h >= 0);
    for(unsigned r = 0; r < 2; r++) {
        fill(out, BIG, 100 + r);
        memcpy(ref, out, BIG);
        assert(chsend(ch[1], out, BIG, -1) == 0);
        memset(in, 0, BIG);
        assert(chrecv(ch[1], in, BIG, -1) == 0);
        assert(memcmp(in, ref, BIG) == 0);
    }
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);

    free(out); free(in); free(ref);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
