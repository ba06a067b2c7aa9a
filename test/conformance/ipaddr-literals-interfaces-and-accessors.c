/* ipaddr_local: NULL name is the any address of the mode's family, literals
   of either family as the mode allows, interface names ("lo"), ENODEV for
   an unknown interface or a literal of a family the mode excludes, EINVAL
   for bad ports; the accessors ipaddr_str, _family, _len, _port, _setport,
   _sockaddr and _equal.  (Bad modes, a NULL address and garbage: see
   ipaddr-bad-modes-null-and-garbage-give-einval-instead-of-crashing.c.) */
#include <assert.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include "libdill.h"

int main(void) {
    struct ipaddr a, b;
    char buf[IPADDR_MAXSTRLEN];

    /* Any address; mode 0 is IPADDR_PREF_IPV4. */
    assert(ipaddr_local(&a, NULL, 5555, 0) == 0);
    assert(ipaddr_family(&a) == AF_INET);
    assert(strcmp(ipaddr_str(&a, buf), "0.0.0.0") == 0);
    assert(ipaddr_port(&a) == 5555);
    assert(ipaddr_len(&a) == sizeof(struct sockaddr_in));
    assert(ipaddr_local(&a, NULL, 80, IPADDR_IPV6) == 0);
    assert(ipaddr_family(&a) == AF_INET6);
    assert(strcmp(ipaddr_str(&a, buf), "::") == 0);
    assert(ipaddr_len(&a) == sizeof(struct sockaddr_in6));
    assert(ipaddr_local(&a, NULL, 80, IPADDR_PREF_IPV6) == 0 && ipaddr_family(&a) == AF_INET6);

    /* Literals. */
    assert(ipaddr_local(&a, "192.168.0.111", 1, IPADDR_IPV4) == 0);
    assert(ipaddr_str(&a, buf) == buf && strcmp(buf, "192.168.0.111") == 0);
    assert(ipaddr_local(&a, "::1", 65535, IPADDR_IPV6) == 0);
    assert(strcmp(ipaddr_str(&a, buf), "::1") == 0 && ipaddr_port(&a) == 65535);
    /* PREF modes take either family. */
    assert(ipaddr_local(&a, "::1", 7, IPADDR_PREF_IPV4) == 0 && ipaddr_family(&a) == AF_INET6);
    assert(ipaddr_local(&a, "10.1.2.3", 7, IPADDR_PREF_IPV6) == 0 && ipaddr_family(&a) == AF_INET);
    assert(ipaddr_local(&a, "2001:db8::ff00:42:8329", 7, 0) == 0);
    assert(strcmp(ipaddr_str(&a, buf), "2001:db8::ff00:42:8329") == 0);
    /* A literal of the excluded family is taken for an interface name. */
    assert(ipaddr_local(&a, "127.0.0.1", 7, IPADDR_IPV6) == -1 && errno == ENODEV);
    assert(ipaddr_local(&a, "::1", 7, IPADDR_IPV4) == -1 && errno == ENODEV);

    /* Interfaces. */
    assert(ipaddr_local(&a, "lo", 9000, IPADDR_IPV4) == 0);
    assert(strcmp(ipaddr_str(&a, buf), "127.0.0.1") == 0 && ipaddr_port(&a) == 9000);
    assert(ipaddr_local(&a, "nosuchif0", 9000, 0) == -1 && errno == ENODEV);
    assert(ipaddr_local(&a, "", 9000, 0) == -1 && errno == ENODEV);

    /* Bad ports. */
    assert(ipaddr_local(&a, NULL, -1, 0) == -1 && errno == EINVAL);
    assert(ipaddr_local(&a, NULL, 65536, 0) == -1 && errno == EINVAL);

    /* setport, sockaddr, equal. */
    assert(ipaddr_local(&a, "127.0.0.1", 1000, 0) == 0);
    ipaddr_setport(&a, 2000);
    assert(ipaddr_port(&a) == 2000);
    const struct sockaddr_in *in = (const struct sockaddr_in*)ipaddr_sockaddr(&a);
    assert(in->sin_family == AF_INET && ntohs(in->sin_port) == 2000);
    assert(in->sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    assert(ipaddr_local(&b, "127.0.0.1", 2000, 0) == 0);
    assert(ipaddr_equal(&a, &b, 0) == 1);
    ipaddr_setport(&b, 2001);
    assert(ipaddr_equal(&a, &b, 0) == 0);
    assert(ipaddr_equal(&a, &b, 1) == 1);
    assert(ipaddr_local(&b, "127.0.0.2", 2000, 0) == 0);
    assert(ipaddr_equal(&a, &b, 1) == 0);
    assert(ipaddr_local(&b, "::ffff:127.0.0.1", 2000, IPADDR_IPV6) == 0);
    assert(ipaddr_equal(&a, &b, 1) == 0);  /* different families */
    struct ipaddr c, d;
    assert(ipaddr_local(&c, "::1", 1, 0) == 0 && ipaddr_local(&d, "::1", 1, 0) == 0);
    assert(ipaddr_equal(&c, &d, 0) == 1);
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6*)ipaddr_sockaddr(&c);
    assert(in6->sin6_family == AF_INET6 && ntohs(in6->sin6_port) == 1);
    return 0;
}
