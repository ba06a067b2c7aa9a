/* socks5_proxy_recvcommandbyname with a NULL host or a NULL port reads the
   client's request and then fails with EINVAL, as socks5_proxy_recvcommand
   does with a NULL address (which upstream does too): the proxied data
   after the request is left for the caller.  Upstream libdill crashes here
   (it writes the host or the port through the NULL pointer: a segmentation
   fault); we return EINVAL. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

int main(void) {
    char host[256];
    int port;
    for(int i = 0; i < 3; i++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        assert(bsend(p[0], "\x05\x01\x00\x01\x0a\x00\x00\x01\x00\x50" "DATA", 14, -1) == 0);
        int rc = i == 0 ? socks5_proxy_recvcommandbyname(p[1], NULL, &port, now() + 2000) :
                 i == 1 ? socks5_proxy_recvcommandbyname(p[1], host, NULL, now() + 2000) :
                          socks5_proxy_recvcommand(p[1], NULL, now() + 2000);
        assert(rc == -1 && errno == EINVAL);
        char d[4];
        assert(brecv(p[1], d, 4, now() + 2000) == 0 && memcmp(d, "DATA", 4) == 0);
        assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
    }
    return 0;
}
