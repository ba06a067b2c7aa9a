/* A coroutine started with go() gets a big stack (256 KB upstream): it can
   hold a 100 KB local array and recurse, block in the middle, and still
   find its data intact afterwards. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "../libdill.h"

static int result;

static int depth(int n, int ch) {
    volatile char pad[256];
    memset((char*)pad, n & 0xff, sizeof(pad));
    int r;
    if(n == 0) {
        int v;
        assert(chrecv(ch, &v, sizeof(v), -1) == 0);
        r = v;
    } else {
        r = depth(n - 1, ch) + 1;
    }
    for(size_t i = 0; i < sizeof(pad); i++) assert(pad[i] == (char)(n & 0xff));
    return r;
}

coroutine static void big(int ch) {
    char buf[100 * 1024];
    for(size_t i = 0; i < sizeof(buf); i++) buf[i] = (char)(i * 7);
    int r = depth(200, ch);
    for(size_t i = 0; i < sizeof(buf); i++) assert(buf[i] == (char)(i * 7));
    result = r;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int h1 = go(big(ch[0]));
    int h2 = go(big(ch[0]));
    assert(h1 >= 0 && h2 >= 0);
    int v = 1000;
    assert(chsend(ch[1], &v, sizeof(v), -1) == 0);
    assert(chsend(ch[1], &v, sizeof(v), -1) == 0);
    assert(bundle_wait(h1, -1) == 0 && bundle_wait(h2, -1) == 0);
    assert(result == 1200);
    assert(hclose(h1) == 0 && hclose(h2) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
