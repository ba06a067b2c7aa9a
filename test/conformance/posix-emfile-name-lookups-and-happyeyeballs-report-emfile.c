/* Every descriptor number in use: a name lookup (ipaddr_remote, which needs
   a descriptor for the resolver) and happyeyeballs_connect (which needs one
   for its socket) fail with EMFILE at once; once numbers are free again
   they work.

   Upstream loses the error (this program fails natively): ipaddr_remote
   gives ENOENT (its resolver could not open its files), and
   happyeyeballs_connect waits for its whole deadline and gives ETIMEDOUT.
   Ours says what went wrong, without waiting. */
#include <assert.h>
#include <errno.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include "libdill.h"

#define MAXFILL 8192

static int filler[MAXFILL];
static int nfill;

int main(void) {
    /* Natively, a table of 4096 as ours (ours ignores this). */
    struct rlimit rl = {4096, 4096};
    setrlimit(RLIMIT_NOFILE, &rl);
    struct ipaddr addr;
    assert(ipaddr_local(&addr, "127.0.0.1", 0, 0) == 0);
    int tl = tcp_listen(&addr, 10);
    assert(tl >= 0);
    for(;;) {
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        if(s < 0) {
            assert(errno == EMFILE);
            break;
        }
        assert(nfill < MAXFILL);
        filler[nfill++] = s;
    }
    int64_t t0 = now();
    struct ipaddr named;
    assert(ipaddr_remote(&named, "localhost", 80, IPADDR_IPV4, now() + 1000) == -1 &&
        errno == EMFILE);
    assert(happyeyeballs_connect("127.0.0.1", ipaddr_port(&addr), now() + 1000) == -1 &&
        errno == EMFILE);
    assert(now() - t0 < 500);
    while(nfill) assert(close(filler[--nfill]) == 0);
    assert(ipaddr_remote(&named, "localhost", 80, IPADDR_IPV4, now() + 5000) == 0);
    int c = happyeyeballs_connect("127.0.0.1", ipaddr_port(&addr), now() + 5000);
    assert(c >= 0);
    int s = tcp_accept(tl, NULL, now() + 2000);
    assert(s >= 0);
    assert(hclose(c) == 0 && hclose(s) == 0 && hclose(tl) == 0);
    return 0;
}
