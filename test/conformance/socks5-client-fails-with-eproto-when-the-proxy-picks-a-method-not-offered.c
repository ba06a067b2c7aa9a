/* A proxy that picks an authentication method the client did not offer
   (GSSAPI, a private method 0x80, or username/password when the client
   offered only "no authentication": no credentials, or only one of the
   two) makes socks5_client_connect and socks5_client_connectbyname fail
   with EPROTO, having sent nothing after the greeting.  Upstream libdill
   crashes here (an assertion fails: `0` in socks5.c:131 for a method it
   knows nothing of, `!!username` or `!!password` in socks5.c:106-107 for
   username/password without both); we return EPROTO. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

static void case_(const char *choice, const char *user, const char *pass,
      int byname, const char *greeting, size_t glen) {
    struct ipaddr a;
    assert(ipaddr_remote(&a, "10.0.0.1", 80, IPADDR_IPV4, -1) == 0);
    int p[2];
    assert(ipc_pair(p) == 0);
    assert(bsend(p[1], choice, 2, -1) == 0);
    int rc = byname ?
        socks5_client_connectbyname(p[0], user, pass, "h", 80, now() + 2000) :
        socks5_client_connect(p[0], user, pass, &a, now() + 2000);
    assert(rc == -1 && errno == EPROTO);
    assert(hclose(p[0]) == 0);
    char got[8];
    assert(brecv(p[1], got, glen, now() + 2000) == 0 && memcmp(got, greeting, glen) == 0);
    assert(brecv(p[1], got, 1, now() + 2000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);
}

int main(void) {
    for(int byname = 0; byname < 2; byname++) {
        case_("\x05\x01", "u", "p", byname, "\x05\x02\x00\x02", 4);
        case_("\x05\x80", "u", "p", byname, "\x05\x02\x00\x02", 4);
        case_("\x05\x01", NULL, NULL, byname, "\x05\x01\x00", 3);
        case_("\x05\x02", NULL, NULL, byname, "\x05\x01\x00", 3);
        case_("\x05\x02", "u", NULL, byname, "\x05\x01\x00", 3);
        case_("\x05\x02", NULL, "p", byname, "\x05\x01\x00", 3);
    }
    return 0;
}
