/* socks5_proxy_auth refusing a client fails with EACCES: when the client
   offers no acceptable method (answer 0xff: none offered, only GSSAPI, only
   "no authentication" to a proxy with a callback, only username/password to
   one without) and when the callback refuses the credentials (status
   0xff).  The client sees EACCES too.  Upstream libdill sends the same
   answers and returns -1 but leaves errno as it was (here it stays 0); we
   say EACCES, which the client side of upstream uses for the same
   refusals. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

static int no(const char *username, const char *password) {
    return 0;
}

static void refused(const char *greeting, size_t len, dill_socks5_auth_function *fn,
      const char *answer, size_t alen) {
    int p[2];
    assert(ipc_pair(p) == 0);
    assert(bsend(p[0], greeting, len, -1) == 0);
    errno = 0;
    assert(socks5_proxy_auth(p[1], fn, now() + 2000) == -1 && errno == EACCES);
    char got[8];
    assert(brecv(p[0], got, alen, now() + 2000) == 0 && memcmp(got, answer, alen) == 0);
    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
}

#define REFUSED(g, fn, a) refused(g, sizeof(g) - 1, fn, a, sizeof(a) - 1)

coroutine static void proxy(int x, dill_socks5_auth_function *fn, int *rc, int *err) {
    errno = 0;
    *rc = socks5_proxy_auth(x, fn, now() + 2000);
    *err = errno;
}

int main(void) {
    REFUSED("\x05\x00", NULL, "\x05\xff");
    REFUSED("\x05\x01\x01", NULL, "\x05\xff");
    REFUSED("\x05\x01\x02", NULL, "\x05\xff");
    REFUSED("\x05\x01\x00", no, "\x05\xff");
    REFUSED("\x05\x01\x02" "\x01\x01" "u" "\x01" "p", no, "\x05\x02" "\x01\xff");

    /* Our client against it: EACCES on both sides. */
    struct ipaddr a;
    assert(ipaddr_remote(&a, "10.0.0.1", 80, IPADDR_IPV4, -1) == 0);
    for(int i = 0; i < 2; i++) {
        int p[2], rc, err;
        assert(ipc_pair(p) == 0);
        int h = go(proxy(p[1], no, &rc, &err));
        assert(socks5_client_connect(p[0], i ? "u" : NULL, i ? "p" : NULL, &a,
            now() + 2000) == -1 && errno == EACCES);
        assert(bundle_wait(h, now() + 2000) == 0 && hclose(h) == 0);
        assert(rc == -1 && err == EACCES);
        assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
    }
    return 0;
}
