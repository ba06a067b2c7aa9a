/* mrecvl of a message that ends exactly where an item of the receive list
   ends (and of one ending inside an item, and of one filling the list):
   the bytes land in the items in order, the rest of the list is untouched,
   and the list is as it was afterwards.
   Upstream crashes (SIGSEGV in its bytestream receive) on the message that
   ends where an item ends before the last: this program fails natively for
   that. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

int main(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int s = prefix_attach(p[0], 4, PREFIX_BIG_ENDIAN);
    assert(s >= 0);
    char a[3], b[4], c[10];
    struct iolist r4 = {c, 10, NULL, 0}, r3 = {NULL, 2, &r4, 0}, r2 = {b, 4, &r3, 0},
        r1 = {a, 3, &r2, 0};
    memset(c, '-', sizeof(c));
    assert(bsend(p[1], "\x00\x00\x00\x07" "ABCDEFG", 11, -1) == 0);
    assert(mrecvl(s, &r1, &r4, -1) == 7);
    assert(memcmp(a, "ABC", 3) == 0 && memcmp(b, "DEFG", 4) == 0);
    assert(memcmp(c, "----------", 10) == 0);
    assert(r1.iol_next == &r2 && r2.iol_next == &r3 && r3.iol_next == &r4 && r4.iol_next == NULL);
    assert(r1.iol_len == 3 && r2.iol_len == 4 && r3.iol_len == 2 && r4.iol_len == 10);
    assert(bsend(p[1], "\x00\x00\x00\x03" "xyz", 7, -1) == 0);
    assert(mrecvl(s, &r1, &r4, -1) == 3 && memcmp(a, "xyz", 3) == 0);
    assert(bsend(p[1], "\x00\x00\x00\x13" "0123456789abcdefghi", 23, -1) == 0);
    assert(mrecvl(s, &r1, &r4, -1) == 19);
    assert(memcmp(a, "012", 3) == 0 && memcmp(b, "3456", 4) == 0);
    assert(memcmp(c, "9abcdefghi", 10) == 0);
    assert(r1.iol_len == 3 && r2.iol_len == 4 && r3.iol_len == 2 && r4.iol_len == 10);
    assert(hclose(s) == 0 && hclose(p[1]) == 0);
    return 0;
}
