/* tcp_done half-closes: the peer receives every byte sent before it, then
   EPIPE; a second tcp_done and bsend after it give EPIPE; our brecv keeps
   working; tcp_close does the termination handshake.  IPv4 and IPv6, port 0
   (tcp_listen writes the chosen port back), tcp_accept fills the peer's
   address. */
#include <assert.h>
#include <string.h>
#include <sys/socket.h>
#include "libdill.h"

coroutine static void server(int ls) {
    struct ipaddr peer;
    int s = tcp_accept(ls, &peer, now() + 2000);
    assert(s >= 0);
    assert(ipaddr_port(&peer) > 0);
    char buf[64];
    size_t got = 0;
    while(brecv(s, buf + got, 1, now() + 2000) == 0) got++;
    assert(errno == EPIPE);
    assert(got == 7 && memcmp(buf, "request", 7) == 0);
    assert(brecv(s, buf, 1, now() + 100) == -1 && errno == EPIPE);
    assert(bsend(s, "answer", 6, -1) == 0);
    assert(tcp_close(s, now() + 2000) == 0);
}

static void run(const char *ip, int family) {
    struct ipaddr addr;
    assert(ipaddr_local(&addr, ip, 0, 0) == 0);
    int ls = tcp_listen(&addr, 10);
    assert(ls >= 0);
    int port = ipaddr_port(&addr);
    assert(port > 0);
    int h = go(server(ls));
    struct ipaddr remote;
    assert(ipaddr_remote(&remote, ip, port, 0, -1) == 0);
    assert(ipaddr_family(&remote) == family);
    int c = tcp_connect(&remote, now() + 2000);
    assert(c >= 0);
    assert(bsend(c, "request", 7, -1) == 0);
    assert(tcp_done(c, -1) == 0);
    assert(tcp_done(c, -1) == -1 && errno == EPIPE);
    assert(bsend(c, "x", 1, -1) == -1 && errno == EPIPE);
    char buf[6];
    assert(brecv(c, buf, 6, now() + 2000) == 0 && memcmp(buf, "answer", 6) == 0);
    assert(brecv(c, buf, 1, now() + 2000) == -1 && errno == EPIPE);
    assert(tcp_close(c, now() + 2000) == 0);
    assert(bundle_wait(h, now() + 2000) == 0);
    assert(hclose(h) == 0);
    assert(tcp_close(ls, -1) == 0);   /* a listener: the same as hclose */
}

int main(void) {
    run("127.0.0.1", AF_INET);
    run("::1", AF_INET6);
    return 0;
}
