/* Malformed answers from a raw proxy (over ipc_pair) give the client
   EPROTO, never a crash: a method choice with the wrong version, an
   authentication status with the wrong version, a reply with the wrong
   version, a nonzero reserved byte, or an unknown address type (a method
   the client did not offer: see
   socks5-client-fails-with-eproto-when-the-proxy-picks-a-method-not-offered.c,
   where upstream crashes).  EACCES when the proxy accepts none of the methods or refuses the
   credentials (any nonzero status).  EOF in the middle of any message gives
   EPIPE, a proxy that resets the connection gives ECONNRESET.  A reply whose
   bound address is an empty name is well-formed. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

static struct ipaddr target;

/* Queues the proxy's answers, half-closes the proxy side (EOF after them),
   runs the client and returns its result with errno. */
static int answer(const char *bytes, size_t len, const char *user,
      const char *pass, int byname) {
    int p[2];
    assert(ipc_pair(p) == 0);
    assert(bsend(p[1], bytes, len, -1) == 0);
    assert(ipc_done(p[1], -1) == 0);
    int rc = byname ?
        socks5_client_connectbyname(p[0], user, pass, "h", 1, now() + 2000) :
        socks5_client_connect(p[0], user, pass, &target, now() + 2000);
    int err = errno;
    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
    errno = err;
    return rc;
}

#define ANSWER(lit, user, pass, byname) \
    answer(lit, sizeof(lit) - 1, user, pass, byname)

coroutine static void resetter(int x, int take) {
    /* Take part of what the client sent, then close with the rest unread. */
    char b[16];
    assert(brecv(x, b, take, now() + 2000) == 0);
    assert(hclose(x) == 0);
}

int main(void) {
    assert(ipaddr_remote(&target, "10.0.0.1", 1, IPADDR_IPV4, -1) == 0);
    for(int byname = 0; byname < 2; byname++) {
        /* EPROTO */
        assert(ANSWER("\x04\x00", NULL, NULL, byname) == -1 && errno == EPROTO);
        assert(ANSWER("\x00\x00", NULL, NULL, byname) == -1 && errno == EPROTO);
        assert(ANSWER("\x05\x02" "\x05\x00", "u", "p", byname) == -1 && errno == EPROTO);
        assert(ANSWER("\x05\x00" "\x04\x00\x00\x01\0\0\0\0\0\0", NULL, NULL, byname) == -1 &&
            errno == EPROTO);
        assert(ANSWER("\x05\x00" "\x05\x00\x01\x01\0\0\0\0\0\0", NULL, NULL, byname) == -1 &&
            errno == EPROTO);
        assert(ANSWER("\x05\x00" "\x05\x00\x00\x02\0\0\0\0\0\0", NULL, NULL, byname) == -1 &&
            errno == EPROTO);
        assert(ANSWER("\x05\x00" "\x05\x00\x00\x00\0\0\0\0\0\0", NULL, NULL, byname) == -1 &&
            errno == EPROTO);
        assert(ANSWER("\x05\x00" "\x05\x00\x00\xff\0\0\0\0\0\0", NULL, NULL, byname) == -1 &&
            errno == EPROTO);

        /* EACCES */
        assert(ANSWER("\x05\xff", NULL, NULL, byname) == -1 && errno == EACCES);
        assert(ANSWER("\x05\xff", "u", "p", byname) == -1 && errno == EACCES);
        assert(ANSWER("\x05\x02" "\x01\x01", "u", "p", byname) == -1 && errno == EACCES);
        assert(ANSWER("\x05\x02" "\x01\xff", "u", "p", byname) == -1 && errno == EACCES);

        /* EPIPE: EOF before or inside each message. */
        assert(ANSWER("", NULL, NULL, byname) == -1 && errno == EPIPE);
        assert(ANSWER("\x05", NULL, NULL, byname) == -1 && errno == EPIPE);
        assert(ANSWER("\x05\x02", "u", "p", byname) == -1 && errno == EPIPE);
        assert(ANSWER("\x05\x02" "\x01", "u", "p", byname) == -1 && errno == EPIPE);
        assert(ANSWER("\x05\x00", NULL, NULL, byname) == -1 && errno == EPIPE);
        assert(ANSWER("\x05\x00" "\x05", NULL, NULL, byname) == -1 && errno == EPIPE);
        assert(ANSWER("\x05\x00" "\x05\x00", NULL, NULL, byname) == -1 && errno == EPIPE);
        assert(ANSWER("\x05\x00" "\x05\x00\x00", NULL, NULL, byname) == -1 && errno == EPIPE);
        assert(ANSWER("\x05\x00" "\x05\x00\x00\x01\x7f\x00\x00\x01\x00", NULL, NULL, byname) ==
            -1 && errno == EPIPE);
        assert(ANSWER("\x05\x00" "\x05\x00\x00\x04\0\0\0\0\0\0\0\0", NULL, NULL, byname) == -1 &&
            errno == EPIPE);
        assert(ANSWER("\x05\x00" "\x05\x00\x00\x03\x14" "abc", NULL, NULL, byname) == -1 &&
            errno == EPIPE);

        /* Well-formed: an empty name as bound address. */
        assert(ANSWER("\x05\x00" "\x05\x00\x00\x03\x00\x00\x00", NULL, NULL, byname) == 0);
    }

    /* ECONNRESET: the proxy closes with our greeting (or request) unread. */
    int p[2];
    assert(ipc_pair(p) == 0);
    int h = go(resetter(p[1], 1));
    assert(socks5_client_connect(p[0], NULL, NULL, &target, now() + 2000) == -1 &&
        errno == ECONNRESET);
    assert(bundle_wait(h, now() + 2000) == 0 && hclose(h) == 0);
    assert(hclose(p[0]) == 0);
    assert(ipc_pair(p) == 0);
    assert(bsend(p[1], "\x05\x00", 2, -1) == 0);
    h = go(resetter(p[1], 3 + 5));
    assert(socks5_client_connect(p[0], NULL, NULL, &target, now() + 2000) == -1 &&
        errno == ECONNRESET);
    assert(bundle_wait(h, now() + 2000) == 0 && hclose(h) == 0);
    assert(hclose(p[0]) == 0);
    return 0;
}
