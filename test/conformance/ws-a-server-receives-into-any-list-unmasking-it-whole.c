/* A server (whose incoming frames are all masked) receives a message into
   a scattered list of any shape intact: items of any length (1, 3, 5...
   bytes, not just multiples of 4), empty items, and NULL bases that skip
   bytes, through ws_recvl and mrecvl; the list is left as it was.
   Upstream libdill unmasks each item from the start of the masking key
   (every byte after an item whose length is not a multiple of 4 is
   garbage: the bug that garbles a close frame's reason) and crashes on a
   NULL base (it unmasks through the NULL pointer: a segmentation fault);
   we unmask the message whole. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

int main(void) {
    int c, s, fl;
    ws_pair(0, &c, &s);
    const char *whole = "Hello, scattered world";
    for(int round = 0; round < 2; round++) {
        assert(ws_send(c, round ? WS_BINARY : WS_TEXT, whole, 22, -1) == 0);
        char a[1], b[3], d[5], e[100];
        memset(e, 0, sizeof(e));
        struct iolist i5 = {e, sizeof(e), NULL, 0};
        struct iolist i4 = {NULL, 2, &i5, 0};
        struct iolist i3 = {d, 5, &i4, 0};
        struct iolist i0 = {b, 0, &i3, 0};
        struct iolist i2 = {b, 3, &i0, 0};
        struct iolist i1 = {a, 1, &i2, 0};
        ssize_t n = round ? mrecvl(s, &i1, &i5, -1) : ws_recvl(s, &fl, &i1, &i5, -1);
        assert(n == 22);
        assert(a[0] == 'H' && memcmp(b, "ell", 3) == 0 && memcmp(d, "o, sc", 5) == 0);
        assert(memcmp(e, whole + 11, 11) == 0);
        assert(i4.iol_base == NULL && i4.iol_len == 2 && i4.iol_next == &i5);
        assert(i1.iol_len == 1 && i2.iol_len == 3 && i0.iol_len == 0 && i3.iol_len == 5);
    }
    hclose(c);
    hclose(s);
    return 0;
}
