/* bundle_mem() creates a working bundle in caller-supplied storage: it
   accepts coroutines, waits for them and cancels them on hclose. The same
   storage can hold a new bundle after the first is closed. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int done, canceled;

coroutine static void task(int ms) {
    if(msleep(ms < 0 ? -1 : now() + ms) == 0) done++;
    else { assert(errno == ECANCELED); canceled++; }
}

int main(void) {
    struct bundle_storage storage;
    assert(sizeof(storage) > 0);
    int b = bundle_mem(&storage);
    assert(b >= 0);
    assert(bundle_wait(b, 0) == 0);
    assert(bundle_go(b, task(10)) == 0);
    assert(bundle_go(b, task(20)) == 0);
    assert(bundle_wait(b, -1) == 0);
    assert(done == 2);
    assert(bundle_go(b, task(-1)) == 0);
    assert(hclose(b) == 0);
    assert(canceled == 1);

    int b2 = bundle_mem(&storage);
    assert(b2 >= 0);
    assert(bundle_go(b2, task(5)) == 0);
    assert(bundle_wait(b2, -1) == 0);
    assert(done == 3);
    assert(hclose(b2) == 0);

    /* Two bundles in two storages coexist. */
    struct dill_bundle_storage s1, s2;
    int x = bundle_mem(&s1), y = bundle_mem(&s2);
    assert(x >= 0 && y >= 0 && x != y);
    assert(bundle_go(x, task(-1)) == 0);
    assert(bundle_go(y, task(5)) == 0);
    assert(bundle_wait(y, -1) == 0);
    assert(bundle_wait(x, 0) == -1 && errno == ETIMEDOUT);
    assert(hclose(x) == 0 && hclose(y) == 0);
    assert(canceled == 2 && done == 4);
    return 0;
}
