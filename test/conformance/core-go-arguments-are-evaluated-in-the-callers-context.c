/* go(f(args)): array elements, pointers to the caller's locals and several
   arguments of different types all arrive intact. */
#include <assert.h>
#include <string.h>
#include "../libdill.h"

struct point { int x, y; };

coroutine void mixed(int a, long long b, double c, const char *s, int *out) {
    assert(a == 7 && b == 1234567890123LL && c == 2.5 && strcmp(s, "hi") == 0);
    *out = a + 1;
}

coroutine static void bump(int *counter, int ch) {
    int v;
    assert(chrecv(ch, &v, sizeof(v), -1) == 0);
    *counter += v;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int out = 0;
    int h1 = go(mixed(7, 1234567890123LL, 2.5, "hi", &out));
    assert(h1 >= 0 && out == 8);
    int counter = 0;
    int hs[10];
    for(int i = 0; i < 10; i++) hs[i] = go(bump(&counter, ch[1]));
    for(int i = 0; i < 10; i++) {
        int v = i + 1;
        assert(chsend(ch[0], &v, sizeof(v), -1) == 0);
    }
    /* The caller sees what the coroutines wrote through the pointer. */
    while(counter != 55) assert(msleep(now() + 1) == 0);
    for(int i = 0; i < 10; i++) assert(hclose(hs[i]) == 0);
    assert(hclose(h1) == 0);
    return 0;
}
