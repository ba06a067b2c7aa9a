/* Cancellation only stops blocking calls: a canceled coroutine can still
   hquery() its handles and hclose() them (so it can clean up), and hclose()
   still calls the close function. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include "libdillimpl.h"

static int closes;
static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }
static void c(struct hvfs *vfs) { (void)vfs; closes++; }

static struct hvfs v = { q, c };
static int h;
static int query_ok, close_rc = 12345, ch_close_rc = 12345;

coroutine static void owner(int ch) {
    h = hmake(&v);
    assert(h >= 0);
    int rc = msleep(-1);
    assert(rc == -1 && errno == ECANCELED);
    int t;
    query_ok = hquery(h, &t) == &v;
    close_rc = hclose(h);
    ch_close_rc = hclose(ch);
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    int cr = go(owner(ch[0]));
    assert(cr >= 0);
    assert(hclose(cr) == 0);
    assert(query_ok == 1);
    assert(close_rc == 0);
    assert(closes == 1);
    assert(ch_close_rc == 0);
    int x;
    errno = 0;
    assert(chrecv(ch[0], &x, sizeof(x), 0) == -1 && errno == EBADF);
    assert(hclose(ch[1]) == 0);
    return 0;
}
