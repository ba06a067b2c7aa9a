/* Coroutines declared `coroutine static void f(...)` and `coroutine void
   f(...)`, and one with a non-void return value (discarded), all launch
   with go() and run. */
#include <assert.h>
#include <errno.h>
#include <libdill.h>

static int hits;

coroutine static void st(int x) { hits += x; }
coroutine void pub(int x) { hits += x * 10; }
coroutine int withresult(int x) { hits += x * 100; return 42; }

int main(void) {
    int a = go(st(1));
    int b = go(pub(2));
    int c = go(withresult(3));
    assert(a >= 0 && b >= 0 && c >= 0);
    /* Each ran to completion before go() returned (none of them blocks). */
    assert(hits == 321);
    assert(bundle_wait(a, 0) == 0);
    assert(bundle_wait(b, 0) == 0);
    assert(bundle_wait(c, 0) == 0);
    assert(hclose(a) == 0 && hclose(b) == 0 && hclose(c) == 0);
    return 0;
}
