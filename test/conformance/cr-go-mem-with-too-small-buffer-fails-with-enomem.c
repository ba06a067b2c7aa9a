/* go_mem() with a buffer too small to hold a coroutine and its bundle
   (64 bytes, and up to 335 bytes, where upstream libdill starts accepting
   them too) returns -1 with errno ENOMEM and does not run the coroutine;
   so does bundle_go_mem() up to 271 bytes (it needs no room for a bundle).
   A 4 KiB buffer then works.  Below 64 bytes see
   cr-go-mem-with-a-zero-length-buffer-fails-with-enomem.c. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

static int ran;

coroutine static void work(int x) { ran += x; }

static char tiny[335] __attribute__((aligned(16)));
static char ok[4096] __attribute__((aligned(16)));

int main(void) {
    size_t sizes[] = {64, 128, 256, 320, 335};
    int b = bundle();
    assert(b >= 0);
    for(size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        errno = 0;
        assert(go_mem(work(1), tiny, sizes[i]) == -1);
        assert(errno == ENOMEM);
        if(sizes[i] >= 272) continue;
        errno = 0;
        assert(bundle_go_mem(b, work(1), tiny, sizes[i]) == -1);
        assert(errno == ENOMEM);
    }
    errno = 0;
    assert(bundle_go_mem(b, work(1), tiny, 271) == -1 && errno == ENOMEM);
    assert(hclose(b) == 0);
    assert(ran == 0);
    int h = go_mem(work(5), ok, sizeof(ok));
    assert(h >= 0);
    assert(ran == 5);
    assert(hclose(h) == 0);
    return 0;
}
