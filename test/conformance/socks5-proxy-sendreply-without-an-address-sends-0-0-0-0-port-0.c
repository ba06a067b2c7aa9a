/* socks5_proxy_sendreply with a NULL address sends 0.0.0.0 port 0 as the
   bound address (what RFC 1928 clients take as "none"), for every reply
   code, and a client reads that reply as any other.  Upstream libdill
   crashes here (it reads the address through the NULL pointer: a
   segmentation fault); we send the reply. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

int main(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    for(int code = SOCKS5_SUCCESS; code <= SOCKS5_ADDRESS_TYPE_NOT_SUPPORTED; code++) {
        assert(socks5_proxy_sendreply(p[1], code, NULL, now() + 2000) == 0);
        char got[10], want[10] = {5, (char)code, 0, 1, 0, 0, 0, 0, 0, 0};
        assert(brecv(p[0], got, 10, now() + 2000) == 0);
        assert(memcmp(got, want, 10) == 0);
    }
    /* A client takes it as a reply like any other. */
    struct ipaddr a;
    assert(ipaddr_remote(&a, "10.0.0.1", 80, IPADDR_IPV4, -1) == 0);
    assert(bsend(p[1], "\x05\x00", 2, -1) == 0);
    assert(socks5_proxy_sendreply(p[1], SOCKS5_SUCCESS, NULL, now() + 2000) == 0);
    assert(bsend(p[1], "DATA", 4, -1) == 0);
    assert(socks5_client_connect(p[0], NULL, NULL, &a, now() + 2000) == 0);
    char d[4];
    assert(brecv(p[0], d, 4, now() + 2000) == 0 && memcmp(d, "DATA", 4) == 0);
    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
    return 0;
}
