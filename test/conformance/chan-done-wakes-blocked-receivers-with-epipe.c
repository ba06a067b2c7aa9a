/* Several coroutines blocked in chrecv() on ch[1] are all woken with
   -1/EPIPE when chdone(ch[0]) closes the direction towards them. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

#define N 10

static int epipes, others;

coroutine static void receiver(int ch) {
    int v;
    int rc = chrecv(ch, &v, sizeof(v), -1);
    if(rc == -1 && errno == EPIPE) epipes++;
    else others++;
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int b = bundle();
    assert(b >= 0);
    for(int i = 0; i < N; i++) assert(bundle_go(b, receiver(ch[1])) == 0);
    assert(epipes == 0);
    assert(chdone(ch[0]) == 0);
    assert(bundle_wait(b, now() + 1000) == 0);
    assert(epipes == N && others == 0);
    assert(hclose(b) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
