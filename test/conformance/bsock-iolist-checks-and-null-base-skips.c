/* bsendl/brecvl: EINVAL for an empty, mis-ended, looping or foreign list and
   for iol_rsvd != 0; gathered sends arrive in order; a NULL base on
   receive drops that many bytes. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

int main(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    struct iolist a = {"ab", 2, NULL, 0}, b = {"cde", 3, NULL, 0}, c = {"f", 1, NULL, 0};
    a.iol_next = &b; b.iol_next = &c;
    assert(bsendl(p[0], &a, &c, -1) == 0);
    char x[2], y[2];
    struct iolist r1 = {x, 2, NULL, 0}, skip = {NULL, 2, NULL, 0}, r2 = {y, 2, NULL, 0};
    r1.iol_next = &skip; skip.iol_next = &r2;
    assert(brecvl(p[1], &r1, &r2, now() + 1000) == 0);
    assert(memcmp(x, "ab", 2) == 0 && memcmp(y, "ef", 2) == 0);

    assert(bsendl(p[0], NULL, NULL, -1) == -1 && errno == EINVAL);
    assert(bsendl(p[0], &a, NULL, -1) == -1 && errno == EINVAL);
    /* last->iol_next must be NULL */
    assert(bsendl(p[0], &a, &b, -1) == -1 && errno == EINVAL);
    /* first and last in different lists */
    struct iolist other = {"z", 1, NULL, 0};
    assert(bsendl(p[0], &a, &other, -1) == -1 && errno == EINVAL);
    /* a loop */
    c.iol_next = &a;
    struct iolist end = {"q", 1, NULL, 0};
    assert(bsendl(p[0], &a, &end, -1) == -1 && errno == EINVAL);
    c.iol_next = NULL;
    /* reserved field */
    b.iol_rsvd = 1;
    assert(bsendl(p[0], &a, &c, -1) == -1 && errno == EINVAL);
    assert(brecvl(p[1], &a, &c, -1) == -1 && errno == EINVAL);
    b.iol_rsvd = 0;
    /* The list is left as it was. */
    assert(a.iol_next == &b && b.iol_next == &c && c.iol_next == NULL);
    assert(bsend(p[0], NULL, 1, -1) == -1 && errno == EINVAL);
    hclose(p[0]);
    hclose(p[1]);
    return 0;
}
