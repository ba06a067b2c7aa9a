/* choose moves a 64 KiB buffer intact through a send clause and through a
   receive clause, and handles zero-length clauses with NULL buffers. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "libdill.h"

#define SZ (64 * 1024)

coroutine static void echo(int ch) {
    unsigned char *buf = malloc(SZ);
    assert(buf);
    assert(chrecv(ch, buf, SZ, -1) == 0);
    for(int i = 0; i < SZ; i++) buf[i] ^= 0x5a;
    assert(chsend(ch, buf, SZ, -1) == 0);
    assert(chrecv(ch, NULL, 0, -1) == 0);
    free(buf);
}

int main(void) {
    int ch[2], idle[2];
    assert(chmake(ch) == 0 && chmake(idle) == 0);
    unsigned char *out = malloc(SZ), *in = malloc(SZ);
    assert(out && in);
    for(int i = 0; i < SZ; i++) out[i] = (unsigned char)(i * 7 + (i >> 8));
    int h = go(echo(ch[1]));
    assert(h >= 0);
    struct chclause s[] = {{CHRECV, idle[0], in, SZ}, {CHSEND, ch[0], out, SZ}};
    assert(choose(s, 2, -1) == 1 && errno == 0);
    memset(in, 0, SZ);
    struct chclause r[] = {{CHRECV, idle[0], in, SZ}, {CHRECV, ch[0], in, SZ}};
    assert(choose(r, 2, -1) == 1 && errno == 0);
    for(int i = 0; i < SZ; i++) assert(in[i] == (out[i] ^ 0x5a));
    struct chclause z[] = {{CHSEND, idle[0], NULL, 0}, {CHSEND, ch[0], NULL, 0}};
    assert(choose(z, 2, -1) == 1 && errno == 0);
    assert(bundle_wait(h, now() + 1000) == 0 && hclose(h) == 0);
    free(out); free(in);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    assert(hclose(idle[0]) == 0 && hclose(idle[1]) == 0);
    return 0;
}
