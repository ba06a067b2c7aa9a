/* ipaddr_remote/ipaddr_remotes: literals without the resolver, names
   through it ("localhost" from /etc/hosts), EADDRNOTAVAIL for a name with no
   address (the reserved .invalid domain), zero addresses from
   ipaddr_remotes, ETIMEDOUT at the deadline (0: do not wait), ECANCELED in
   a cancelled coroutine, EINVAL for bad arguments (room for no address
   included, as upstream has it).

   Natively this program crashes, on upstream bugs: its resolver segfaults
   (in dns_ai_close) on names that resolve here, "localhost" with
   IPADDR_IPV4 or through ipaddr_remotes, and on a literal of the excluded
   family; a NULL address segfaults and port 70000 aborts on an assertion.
   Ours answers. */
#include <assert.h>
#include <string.h>
#include <sys/socket.h>
#include "libdill.h"

static int result = 0, err = 0;

coroutine static void resolve(const char *name) {
    struct ipaddr a;
    result = ipaddr_remote(&a, name, 80, 0, -1);
    err = errno;
}

int main(void) {
    struct ipaddr a, many[8];
    char buf[IPADDR_MAXSTRLEN];

    assert(ipaddr_remote(&a, "10.0.0.1", 443, 0, 0) == 0);   /* no waiting */
    assert(strcmp(ipaddr_str(&a, buf), "10.0.0.1") == 0 && ipaddr_port(&a) == 443);
    assert(ipaddr_remote(&a, "fe80::1", 443, IPADDR_IPV6, 0) == 0);
    assert(ipaddr_remote(&a, "fe80::1", 443, IPADDR_IPV4, now() + 2000) == -1 &&
        errno == EADDRNOTAVAIL);
    assert(ipaddr_remotes(many, 8, "10.0.0.1", 1, 0, 0) == 1);

    assert(ipaddr_remote(&a, "localhost", 8080, IPADDR_IPV4, now() + 5000) == 0);
    assert(ipaddr_family(&a) == AF_INET && ipaddr_port(&a) == 8080);
    assert(strcmp(ipaddr_str(&a, buf), "127.0.0.1") == 0);
    int n = ipaddr_remotes(many, 8, "localhost", 1, IPADDR_PREF_IPV4, now() + 5000);
    assert(n >= 1 && ipaddr_family(&many[0]) == AF_INET);
    for(int i = 0; i < n; i++) assert(ipaddr_port(&many[i]) == 1);

    assert(ipaddr_remote(&a, "no-such-host.invalid", 80, 0, now() + 5000) == -1);
    assert(errno == EADDRNOTAVAIL);
    assert(ipaddr_remotes(many, 8, "no-such-host.invalid", 80, 0, now() + 5000) == 0);
    assert(ipaddr_remotes(many, 0, "localhost", 80, 0, now() + 5000) == -1 &&
        errno == EINVAL);

    /* Deadline 0: a name needs the resolver, which has not answered yet. */
    assert(ipaddr_remote(&a, "localhost", 80, 0, 0) == -1 && errno == ETIMEDOUT);

    /* Cancelled while resolving. */
    int h = go(resolve("localhost"));
    assert(h >= 0);
    assert(hclose(h) == 0);
    assert(result == -1 && err == ECANCELED);

    /* Bad arguments. */
    assert(ipaddr_remote(NULL, "localhost", 80, 0, -1) == -1 && errno == EINVAL);
    assert(ipaddr_remote(&a, NULL, 80, 0, -1) == -1 && errno == EINVAL);
    assert(ipaddr_remote(&a, "localhost", 70000, 0, -1) == -1 && errno == EINVAL);
    assert(ipaddr_remote(&a, "localhost", 80, 9, -1) == -1 && errno == EINVAL);
    assert(ipaddr_remotes(NULL, 3, "localhost", 80, 0, -1) == -1 && errno == EINVAL);
    assert(ipaddr_remotes(many, -1, "localhost", 80, 0, -1) == -1 && errno == EINVAL);
    return 0;
}
