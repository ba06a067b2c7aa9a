/* A struct ipaddr that holds no address (all zero bytes) gives EINVAL:
   socks5_client_connect fails once the method negotiation is done (the
   greeting sent, the proxy's choice read, no request sent), as it does
   for a NULL address; socks5_proxy_sendreply sends nothing.  Upstream
   libdill fails at the same points but leaves errno as it was (here it
   stays 0); we say EINVAL. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

int main(void) {
    struct ipaddr zero;
    memset(&zero, 0, sizeof(zero));
    int p[2];
    assert(ipc_pair(p) == 0);
    assert(bsend(p[1], "\x05\x00" "DATA", 6, -1) == 0);
    errno = 0;
    assert(socks5_client_connect(p[0], NULL, NULL, &zero, now() + 2000) == -1 &&
        errno == EINVAL);
    char d[4];
    assert(brecv(p[0], d, 4, now() + 2000) == 0 && memcmp(d, "DATA", 4) == 0);
    assert(brecv(p[1], d, 3, now() + 2000) == 0 && memcmp(d, "\x05\x01\x00", 3) == 0);

    errno = 0;
    assert(socks5_proxy_sendreply(p[1], SOCKS5_SUCCESS, &zero, now() + 2000) == -1 &&
        errno == EINVAL);
    assert(hclose(p[1]) == 0);
    assert(brecv(p[0], d, 1, now() + 2000) == -1 && errno == EPIPE);
    assert(hclose(p[0]) == 0);
    return 0;
}
