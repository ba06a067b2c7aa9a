/* happyeyeballs_connect: a connection by name ("localhost") and by literal
   of either family, the listener sees it; ECONNREFUSED when nothing
   listens; EADDRNOTAVAIL for a name without addresses; ETIMEDOUT at the
   deadline; ECANCELED when cancelled; EINVAL for bad arguments.

   Natively this program crashes, on upstream bugs: its resolver segfaults
   (in dns_ai_close) on every name happyeyeballs_connect looks up here,
   "localhost" and "no-such-host.invalid" alike, and port -1 aborts on an
   assertion.  Ours answers. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

static int result = 0, err = 0;

coroutine static void connector(int port) {
    result = happyeyeballs_connect("localhost", port, -1);
    err = errno;
}

static void check(int ls, const char *name, int port) {
    int c = happyeyeballs_connect(name, port, now() + 3000);
    assert(c >= 0);
    int s = tcp_accept(ls, NULL, now() + 2000);
    assert(s >= 0);
    assert(bsend(c, "hi", 2, -1) == 0);
    char b[2];
    assert(brecv(s, b, 2, now() + 2000) == 0 && memcmp(b, "hi", 2) == 0);
    assert(hclose(c) == 0 && hclose(s) == 0);
}

int main(void) {
    struct ipaddr a4, a6;
    assert(ipaddr_local(&a4, "127.0.0.1", 0, 0) == 0);
    int ls4 = tcp_listen(&a4, 10);
    assert(ls4 >= 0);
    int port = ipaddr_port(&a4);
    check(ls4, "localhost", port);
    check(ls4, "127.0.0.1", port);
    assert(ipaddr_local(&a6, "::1", 0, 0) == 0);
    int ls6 = tcp_listen(&a6, 10);
    assert(ls6 >= 0);
    check(ls6, "::1", ipaddr_port(&a6));

    assert(hclose(ls4) == 0);
    assert(happyeyeballs_connect("localhost", port, now() + 3000) == -1 && errno == ECONNREFUSED);
    assert(happyeyeballs_connect("no-such-host.invalid", 80, now() + 3000) == -1 &&
        errno == EADDRNOTAVAIL);
    assert(happyeyeballs_connect("localhost", port, 0) == -1 && errno == ETIMEDOUT);
    int h = go(connector(port));
    assert(hclose(h) == 0);
    assert(result == -1 && err == ECANCELED);
    assert(happyeyeballs_connect(NULL, 80, -1) == -1 && errno == EINVAL);
    assert(happyeyeballs_connect("localhost", -1, -1) == -1 && errno == EINVAL);
    assert(happyeyeballs_connect("localhost", 65536, -1) == -1 && errno == EINVAL);
    assert(hclose(ls6) == 0);
    return 0;
}
