/* socks5_proxy_recvcommand given a name (address type 3) resolves it with
   ipaddr_remote: "localhost" (127.0.0.1 in /etc/hosts, no traffic leaves the
   machine) comes back as its address with the request's port, the proxied
   data after the request intact; a name that does not resolve fails with
   ipaddr_remote's errno, here EADDRNOTAVAIL for an empty name.  A literal
   address sent as a name needs no resolver (tested natively too, in
   socks5-client-proxy-target-chain-relays-both-ways-over-tcp-loopback.c).
   Upstream libdill crashes here: its resolver (dns.c) faults with a
   segmentation fault inside socks5_proxy_recvcommand for every real name
   (and for ipaddr_remote("localhost") itself, depending on the mode and on
   what ran before); we return the address. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

int main(void) {
    int p[2];
    struct ipaddr a, want;
    assert(ipc_pair(p) == 0);
    assert(bsend(p[0], "\x05\x01\x00\x03\x09" "localhost" "\x04\xd2" "DATA", 20, -1) == 0);
    assert(socks5_proxy_recvcommand(p[1], &a, now() + 5000) == SOCKS5_CONNECT);
    assert(ipaddr_port(&a) == 1234);
    assert(ipaddr_remote(&want, "localhost", 1234, 0, now() + 5000) == 0);
    assert(ipaddr_equal(&a, &want, 0));
    char d[4];
    assert(brecv(p[1], d, 4, now() + 2000) == 0 && memcmp(d, "DATA", 4) == 0);
    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);

    assert(ipc_pair(p) == 0);
    assert(bsend(p[0], "\x05\x01\x00\x03\x00\x00\x50", 7, -1) == 0);
    assert(socks5_proxy_recvcommand(p[1], &a, now() + 5000) == -1 && errno == EADDRNOTAVAIL);
    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
    return 0;
}
