/* A proxy's failure reply becomes the client's errno, for
   socks5_client_connect and socks5_client_connectbyname alike, as upstream
   maps them:
     GENERAL_FAILURE -> EIO, CONNECTION_NOT_ALLOWED -> EACCES,
     NETWORK_UNREACHABLE -> ENETUNREACH, HOST_UNREACHABLE -> EHOSTUNREACH,
     CONNECTION_REFUSED -> ECONNREFUSED, TTL_EXPIRED -> ETIMEDOUT,
     COMMAND_NOT_SUPPORTED -> ENOTSUP, ADDRESS_TYPE_NOT_SUPPORTED ->
     EAFNOSUPPORT, an unassigned code (0x09-0xff) -> EPROTO.
   The replies are written with socks5_proxy_sendreply (and raw bytes for
   the unassigned codes) ahead of the call.  The whole reply is read before
   its code counts, so the data after it is left in the socket; a proxy that
   sends only the version and the code and then closes gives EPIPE. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

static const int table[][2] = {
    {SOCKS5_GENERAL_FAILURE, EIO},
    {SOCKS5_CONNECTION_NOT_ALLOWED, EACCES},
    {SOCKS5_NETWORK_UNREACHABLE, ENETUNREACH},
    {SOCKS5_HOST_UNREACHABLE, EHOSTUNREACH},
    {SOCKS5_CONNECTION_REFUSED, ECONNREFUSED},
    {SOCKS5_TTL_EXPIRED, ETIMEDOUT},
    {SOCKS5_COMMAND_NOT_SUPPORTED, ENOTSUP},
    {SOCKS5_ADDRESS_TYPE_NOT_SUPPORTED, EAFNOSUPPORT},
};

static struct ipaddr target;

/* Takes the greeting, picks no authentication, takes the request (IPv4:
   10 bytes, "h.example": 16), answers with the 2 bytes of `ans` and
   closes. */
coroutine static void short_proxy(int x, int reqlen, const char *ans) {
    char b[64];
    assert(brecv(x, b, 3, now() + 2000) == 0);
    assert(bsend(x, "\x05\x00", 2, now() + 2000) == 0);
    assert(brecv(x, b, reqlen, now() + 2000) == 0);
    assert(bsend(x, ans, 2, now() + 2000) == 0);
    assert(hclose(x) == 0);
}

static int client(int c, int byname) {
    if(byname)
        return socks5_client_connectbyname(c, NULL, NULL, "h.example", 9,
            now() + 2000);
    return socks5_client_connect(c, NULL, NULL, &target, now() + 2000);
}

int main(void) {
    assert(ipaddr_remote(&target, "10.0.0.1", 9, IPADDR_IPV4, -1) == 0);
    struct ipaddr bound;
    assert(ipaddr_remote(&bound, "::1", 1080, IPADDR_IPV6, -1) == 0);
    int p[2];
    for(int byname = 0; byname < 2; byname++) {
        for(size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
            /* A full reply, with an IPv4 or an IPv6 bound address, then
               data. */
            assert(ipc_pair(p) == 0);
            assert(bsend(p[1], "\x05\x00", 2, -1) == 0);
            assert(socks5_proxy_sendreply(p[1], table[i][0], i % 2 ? &bound : &target,
                -1) == 0);
            assert(bsend(p[1], "DATA", 4, -1) == 0);
            errno = 0;
            assert(client(p[0], byname) == -1 && errno == table[i][1]);
            char d[4];
            assert(brecv(p[0], d, 4, now() + 2000) == 0 && memcmp(d, "DATA", 4) == 0);
            assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);

            /* Only VER and REP, then the proxy closes. */
            assert(ipc_pair(p) == 0);
            char rep[2] = {5, (char)table[i][0]};
            int h = go(short_proxy(p[1], byname ? 16 : 10, rep));
            errno = 0;
            assert(client(p[0], byname) == -1 && errno == EPIPE);
            assert(bundle_wait(h, now() + 2000) == 0 && hclose(h) == 0);
            assert(hclose(p[0]) == 0);
        }
        /* Unassigned codes. */
        int unassigned[] = {0x09, 0x80, 0xff};
        for(int i = 0; i < 3; i++) {
            assert(ipc_pair(p) == 0);
            char rep[12] = {5, 0, 5, (char)unassigned[i], 0, 1, 0, 0, 0, 0, 0, 0};
            assert(bsend(p[1], rep, 12, -1) == 0);
            errno = 0;
            assert(client(p[0], byname) == -1 && errno == EPROTO);
            assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
        }
    }
    return 0;
}
