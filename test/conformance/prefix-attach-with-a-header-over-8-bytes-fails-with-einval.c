/* prefix_attach with a header longer than 8 bytes (the width of the size)
   fails with EINVAL and, as every failed attach, closes the socket.
   Upstream differs: it takes any length above 0, sending zero bytes before
   (big-endian) or after (little-endian) the 8 bytes of the size; ours keeps
   to the 1-8 bytes a size can fill.  This program fails natively for that. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include "libdill.h"

int main(void) {
    size_t lens[] = {9, 16, (size_t)-1};
    for(int i = 0; i < 3; i++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        assert(prefix_attach(p[0], lens[i], PREFIX_BIG_ENDIAN) == -1 && errno == EINVAL);
        assert(bsend(p[0], "x", 1, -1) == -1 && errno == EBADF);
        assert(hclose(p[1]) == 0);
    }
    return 0;
}
