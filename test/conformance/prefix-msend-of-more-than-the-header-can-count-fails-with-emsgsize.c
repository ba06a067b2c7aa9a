/* msend of a message larger than the header can count (more than 255 bytes
   with a 1-byte header, 65535 with 2 bytes) fails with EMSGSIZE and sends
   nothing; the socket goes on working.
   Upstream differs (a bug): it sends the size cut to the header's width
   (256 goes out as 0) followed by the whole payload, so the peer reads
   garbage.  This program fails natively for that. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

int main(void) {
    static char big[65537];
    char buf[8];
    for(size_t hdrlen = 1; hdrlen <= 2; hdrlen++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        int s = prefix_attach(p[0], hdrlen, PREFIX_BIG_ENDIAN);
        assert(s >= 0);
        size_t max = hdrlen == 1 ? 255 : 65535;
        assert(msend(s, big, max + 1, -1) == -1 && errno == EMSGSIZE);
        struct iolist b = {big, max, NULL, 0}, a = {"x", 1, &b, 0};
        assert(msendl(s, &a, &b, -1) == -1 && errno == EMSGSIZE);
        assert(msend(s, "ok", 2, -1) == 0);
        assert(brecv(p[1], buf, hdrlen + 2, now() + 1000) == 0);
        assert(memcmp(buf, hdrlen == 1 ? "\x02ok" : "\x00\x02ok", hdrlen + 2) == 0);
        assert(hclose(s) == 0 && hclose(p[1]) == 0);
    }
    return 0;
}
