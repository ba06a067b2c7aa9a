/* #include <libdill.h> and <libdillimpl.h> find the library's headers. */
#include <assert.h>
#include <libdill.h>
#include <libdillimpl.h>

coroutine static void nap(void) { msleep(now() + 1); }

int main(void) {
    int h = go(nap());
    assert(h >= 0);
    assert(hclose(h) == 0);
    return 0;
}
