/* bsendl/brecvl: EINVAL for an empty, mis-ended, looping or foreign list and
   for iol_rsvd != 0; EFAULT for a send item with a NULL base and a length
   (as the kernel answers natively); gathered sends arrive in order; a NULL
   base on receive drops that many bytes, and brecv(s, NULL, n) drops n.
   As natively, each error case is tried on a fresh pair: upstream checks a
   foreign or looping list, iol_rsvd and NULL bases in the socket itself,
   which is then broken (ECONNRESET after); ours refuses them before
   anything.  (Upstream's skip does not wait for the bytes to skip: it drops
   what has arrived and returns; its brecvl(s, NULL, NULL) crashes.) */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

static int p[2];
static void fresh(void) {
    if(p[0] >= 0) {
        hclose(p[0]);
        hclose(p[1]);
    }
    assert(ipc_pair(p) == 0);
}

int main(void) {
    p[0] = -1;
    fresh();
    struct iolist a = {"ab", 2, NULL, 0}, b = {"cde", 3, NULL, 0}, c = {"f", 1, NULL, 0};
    a.iol_next = &b; b.iol_next = &c;
    assert(bsendl(p[0], &a, &c, -1) == 0);
    char x[2], y[2];
    struct iolist r1 = {x, 2, NULL, 0}, skip = {NULL, 2, NULL, 0}, r2 = {y, 2, NULL, 0};
    r1.iol_next = &skip; skip.iol_next = &r2;
    assert(brecvl(p[1], &r1, &r2, now() + 1000) == 0);
    assert(memcmp(x, "ab", 2) == 0 && memcmp(y, "ef", 2) == 0);
    assert(bsend(p[0], "0123456789", 10, -1) == 0);
    assert(brecv(p[1], NULL, 7, now() + 1000) == 0);
    char z[3];
    assert(brecv(p[1], z, 3, now() + 1000) == 0 && memcmp(z, "789", 3) == 0);

    /* Checked before anything: the socket stays usable natively too. */
    assert(bsendl(p[0], NULL, NULL, -1) == -1 && errno == EINVAL);
    assert(bsendl(p[0], &a, NULL, -1) == -1 && errno == EINVAL);
    assert(bsendl(p[0], NULL, &c, -1) == -1 && errno == EINVAL);
    assert(brecvl(p[1], &a, NULL, -1) == -1 && errno == EINVAL);
    assert(brecvl(p[1], NULL, &a, -1) == -1 && errno == EINVAL);
    /* last->iol_next must be NULL */
    assert(bsendl(p[0], &a, &b, -1) == -1 && errno == EINVAL);
    assert(bsend(p[0], "hello", 5, -1) == 0);
    assert(brecv(p[1], x, 2, now() + 1000) == 0 && memcmp(x, "he", 2) == 0);

    /* first and last in different lists */
    fresh();
    struct iolist other = {"z", 1, NULL, 0};
    assert(bsendl(p[0], &a, &other, -1) == -1 && errno == EINVAL);
    /* a loop */
    fresh();
    c.iol_next = &a;
    struct iolist end = {"q", 1, NULL, 0};
    assert(bsendl(p[0], &a, &end, -1) == -1 && errno == EINVAL);
    c.iol_next = NULL;
    /* reserved field */
    fresh();
    b.iol_rsvd = 1;
    assert(bsendl(p[0], &a, &c, -1) == -1 && errno == EINVAL);
    fresh();
    assert(brecvl(p[1], &a, &c, -1) == -1 && errno == EINVAL);
    b.iol_rsvd = 0;
    /* The list is left as it was. */
    assert(a.iol_next == &b && b.iol_next == &c && c.iol_next == NULL);
    /* A NULL base with a length on send. */
    fresh();
    assert(bsend(p[0], NULL, 1, -1) == -1 && errno == EFAULT);
    fresh();
    struct iolist nb = {NULL, 3, NULL, 0};
    assert(bsendl(p[0], &nb, &nb, -1) == -1 && errno == EFAULT);
    hclose(p[0]);
    hclose(p[1]);
    return 0;
}
