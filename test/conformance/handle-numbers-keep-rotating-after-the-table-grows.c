/* Numbers keep rotating once the handle table has grown: with every number
   in use, a closed number still is not handed out again at once (at least 8
   stay free, the table grows instead), and the numbers left free at a
   growth are handed out later, not lost: the new numbers come first, then
   the ones kept free, then the ones closed after them.
   Upstream differs (a bug): its table drops the free numbers left at a
   growth while still counting them, so there the 8 numbers 248..255 never
   come back, and once all the others are in use a just-closed number comes
   straight back from hmake().  This program fails natively for that. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include "libdillimpl.h"

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }
static void c(struct hvfs *vfs) { (void)vfs; }
static struct hvfs v = { q, c };

int main(void) {
    /* 248 numbers (0..247) fill the first table but for the 8 kept free;
       the next 256 come from the grown one (256..511). */
    for(int i = 0; i < 248 + 256; i++) {
        int h = hmake(&v);
        assert(h == (i < 248 ? i : i + 8));
    }
    /* 248..255 were kept free, behind the new numbers: now they come
       first, and a just-closed number after them. */
    assert(hclose(3) == 0);
    assert(hmake(&v) == 248);
    errno = 0;
    int t;
    assert(hquery(3, &t) == NULL && errno == EBADF);
    /* 8 free (249..255, 3): the table grows; more closes, first freed
       first reused. */
    assert(hmake(&v) == 512);
    for(int i = 100; i < 120; i++) assert(hclose(i) == 0);
    for(int i = 513; i < 1024; i++) assert(hmake(&v) == i);
    for(int i = 249; i < 256; i++) assert(hmake(&v) == i);
    assert(hmake(&v) == 3);
    for(int i = 100; i < 112; i++) assert(hmake(&v) == i);
    assert(hmake(&v) == 1024);
    return 0;
}
