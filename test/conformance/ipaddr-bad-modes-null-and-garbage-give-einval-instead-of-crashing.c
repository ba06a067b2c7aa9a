/* ipaddr_local with a mode that is none of the four (nor 0), or a NULL
   address, fails with EINVAL; an ipaddr that no call filled (garbage) is not
   an address: ipaddr_family, _len and _str fail with EINVAL and
   ipaddr_equal says 0, instead of reading it as one.

   Upstream differs, without checks (this program fails natively):
   ipaddr_local(NULL, ...) segfaults; a bad mode gives the IPv6 any address
   for a NULL name but aborts on an assertion for a literal; on garbage,
   ipaddr_family and ipaddr_len return what the bytes happen to hold,
   ipaddr_str writes them out and ipaddr_equal aborts on an assertion.  Ours
   answers instead of crashing. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

int main(void) {
    struct ipaddr a;
    char buf[IPADDR_MAXSTRLEN];
    assert(ipaddr_local(NULL, NULL, 80, 0) == -1 && errno == EINVAL);
    assert(ipaddr_local(&a, NULL, 80, 5) == -1 && errno == EINVAL);
    assert(ipaddr_local(&a, NULL, 80, -1) == -1 && errno == EINVAL);
    assert(ipaddr_local(&a, "127.0.0.1", 80, 5) == -1 && errno == EINVAL);

    struct ipaddr junk;
    memset(&junk, 0xab, sizeof(junk));
    assert(ipaddr_family(&junk) == -1 && errno == EINVAL);
    assert(ipaddr_len(&junk) == -1 && errno == EINVAL);
    assert(ipaddr_str(&junk, buf) == NULL && errno == EINVAL);
    assert(ipaddr_equal(&junk, &junk, 0) == 0);
    return 0;
}
