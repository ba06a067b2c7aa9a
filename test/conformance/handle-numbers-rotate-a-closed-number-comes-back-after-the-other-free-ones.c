/* Handle numbers rotate: a number freed by hclose() is handed out again only
   after the other free numbers, first freed first reused, so a use of a
   just-closed number gives EBADF instead of reaching the next object (go()
   and chmake() included).  The table starts with 256 numbers and keeps at
   least 8 of them free: with 248 in use the next number is 256. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include "libdillimpl.h"

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }
static void c(struct hvfs *vfs) { (void)vfs; }
static struct hvfs v = { q, c };

coroutine static void idle(void) { msleep(-1); }

static int hs[300];

int main(void) {
    /* A fresh process: numbers are handed out from 0 up. */
    for(int i = 0; i < 20; i++) assert((hs[i] = hmake(&v)) == i);

    /* Closed in this order, they come back in this order, after the
       numbers never used yet (20..255). */
    static const int order[12] = {3, 1, 7, 15, 0, 19, 11, 5, 13, 2, 9, 17};
    for(int i = 0; i < 12; i++) assert(hclose(order[i]) == 0);
    int t;
    errno = 0;
    assert(hquery(3, &t) == NULL && errno == EBADF);
    for(int i = 20; i < 256; i++) assert(hmake(&v) == i);
    assert(hmake(&v) == 3);
    assert(hmake(&v) == 1);
    assert(hmake(&v) == 7);
    assert(hmake(&v) == 15);
    /* 248 numbers in use, 8 free (0, 19, 11, 5, 13, 2, 9, 17): the table
       grows rather than hand them out. */
    assert(hmake(&v) == 256);
    assert(hmake(&v) == 257);

    /* A just-closed number does not come straight back, whoever asks. */
    int b = go(idle());
    assert(b >= 0);
    assert(hclose(b) == 0);
    int b2 = go(idle());
    assert(b2 >= 0 && b2 != b);
    errno = 0;
    assert(hclose(b) == -1 && errno == EBADF);
    int ch[2];
    assert(chmake(ch) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    int ch2[2];
    assert(chmake(ch2) == 0);
    assert(ch2[0] != ch[0] && ch2[0] != ch[1] && ch2[1] != ch[0] && ch2[1] != ch[1]);
    errno = 0;
    assert(chsend(ch[0], &t, sizeof(t), 0) == -1 && errno == EBADF);
    int h = hmake(&v);
    assert(hclose(h) == 0);
    assert(hmake(&v) != h);
    errno = 0;
    assert(hquery(h, &t) == NULL && errno == EBADF);
    assert(hclose(b2) == 0);
    return 0;
}
