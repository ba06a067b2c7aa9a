/* Errors that do not come from the peer, for all six functions:
   EBADF (not a handle), ENOTSUP (a handle that is not a bytestream: a
   channel), EINVAL (bad arguments; as upstream, a client checks the
   destination only after the method negotiation, and
   socks5_proxy_recvcommand its address argument after reading the
   request),
   ETIMEDOUT (the peer does not answer or does not read), ECANCELED (a
   canceled coroutine, whether it calls in afterwards or is canceled while
   waiting inside) and EBUSY (another coroutine is receiving on the socket). */
#include <assert.h>
#include <string.h>
#include "libdill.h"

static struct ipaddr addr4;

/* Calls function `i` (0-5) on s with valid arguments. */
static int call(int i, int s, int64_t deadline) {
    char host[256];
    int port;
    struct ipaddr a;
    switch(i) {
    case 0: return socks5_client_connect(s, NULL, NULL, &addr4, deadline);
    case 1: return socks5_client_connectbyname(s, "u", "p", "h", 80, deadline);
    case 2: return socks5_proxy_auth(s, NULL, deadline);
    case 3: return socks5_proxy_recvcommand(s, &a, deadline);
    case 4: return socks5_proxy_recvcommandbyname(s, host, &port, deadline);
    default: return socks5_proxy_sendreply(s, SOCKS5_SUCCESS, &addr4, deadline);
    }
}

static int results[6], errs[6];

/* Each call has a socket of its own (a failed call leaves its socket good
   only for closing) and has to wait for the peer, which says nothing:
   upstream lets a canceled coroutine's send or receive through when it
   need not wait, so sendreply, which only sends, is canceled while waiting
   below instead. */
coroutine static void canceled_first(int *s) {
    assert(msleep(-1) == -1 && errno == ECANCELED);
    for(int i = 0; i < 5; i++) {
        results[i] = call(i, s[i], -1);
        errs[i] = errno;
    }
}

/* Sendreply (5) is repeated until one waits: the peer reads nothing. */
coroutine static void waits_inside(int i, int s) {
    do results[i] = call(i, s, -1); while(i == 5 && results[i] == 0);
    errs[i] = errno;
}

coroutine static void receiver(int s) {
    char b;
    results[0] = brecv(s, &b, 1, -1);
}

static int calls;
static int never(const char *u, const char *p) { calls++; return 0; }

int main(void) {
    assert(ipaddr_remote(&addr4, "10.0.0.1", 80, IPADDR_IPV4, -1) == 0);

    /* EBADF and ENOTSUP */
    int ch[2];
    assert(chmake(ch) == 0);
    for(int i = 0; i < 6; i++) {
        assert(call(i, -1, -1) == -1 && errno == EBADF);
        assert(call(i, 12345, -1) == -1 && errno == EBADF);
        assert(call(i, ch[0], -1) == -1 && errno == ENOTSUP);
    }
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);

    /* EINVAL from the clients.  Credentials over 255 bytes: nothing reaches
       the peer. */
    int p[2];
    assert(ipc_pair(p) == 0);
    int c = p[0], x = p[1];
    static char long256[257];
    memset(long256, 'a', 256);
    const char *users[][2] = {
        {long256, "p"}, {"u", long256}, {long256, NULL}, {NULL, long256},
    };
    for(int i = 0; i < 4; i++) {
        assert(socks5_client_connect(c, users[i][0], users[i][1], &addr4, -1) == -1 &&
            errno == EINVAL);
        assert(socks5_client_connectbyname(c, users[i][0], users[i][1], "h", 1, -1) == -1 &&
            errno == EINVAL);
    }
    assert(bsend(c, "Z", 1, -1) == 0);
    char b;
    assert(brecv(x, &b, 1, now() + 2000) == 0 && b == 'Z');
    assert(hclose(c) == 0 && hclose(x) == 0);
    /* A NULL address, a NULL or too long name, a port out of 1-65535: EINVAL
       once the proxy has picked a method (the greeting went out, the
       choice was read, no request follows). */
    for(int i = 0; i < 6; i++) {
        assert(ipc_pair(p) == 0);
        c = p[0];
        x = p[1];
        assert(bsend(x, "\x05\x00" "Y", 3, -1) == 0);
        int rc = i == 0 ? socks5_client_connect(c, NULL, NULL, NULL, -1) :
                 i == 1 ? socks5_client_connectbyname(c, NULL, NULL, NULL, 1, -1) :
                 i == 2 ? socks5_client_connectbyname(c, NULL, NULL, long256, 1, -1) :
                 i == 3 ? socks5_client_connectbyname(c, NULL, NULL, "h", -1, -1) :
                 i == 4 ? socks5_client_connectbyname(c, NULL, NULL, "h", 0, -1) :
                          socks5_client_connectbyname(c, NULL, NULL, "h", 65536, -1);
        assert(rc == -1 && errno == EINVAL);
        assert(brecv(c, &b, 1, now() + 2000) == 0 && b == 'Y');
        assert(hclose(c) == 0);
        char g[3];
        assert(brecv(x, g, 3, now() + 2000) == 0 && memcmp(g, "\x05\x01\x00", 3) == 0);
        assert(brecv(x, g, 1, now() + 2000) == -1 && errno == EPIPE);
        assert(hclose(x) == 0);
    }

    /* EINVAL from the proxy functions: socks5_proxy_recvcommand with a NULL
       address reads the request first (a NULL host or port:
       socks5-proxy-recvcommandbyname-with-a-null-host-or-port-fails-with-einval.c);
       a reply code out of 0-8 sends nothing. */
    assert(ipc_pair(p) == 0);
    c = p[0];
    x = p[1];
    assert(bsend(c, "\x05\x01\x00\x01\x0a\x00\x00\x01\x00\x50", 10, -1) == 0);
    assert(bsend(c, "\x05\x01\x00\x01\x0a\x00\x00\x01\x00\x50", 10, -1) == 0);
    assert(socks5_proxy_recvcommand(x, NULL, -1) == -1 && errno == EINVAL);
    char host[256];
    int port;
    assert(socks5_proxy_recvcommandbyname(x, host, &port, now() + 2000) == SOCKS5_CONNECT);
    assert(strcmp(host, "10.0.0.1") == 0 && port == 80);
    int replies[] = {-1, 9, 0x100, 0xff};
    for(int i = 0; i < 4; i++)
        assert(socks5_proxy_sendreply(x, replies[i], &addr4, -1) == -1 && errno == EINVAL);
    assert(bsend(x, "Y", 1, -1) == 0);
    assert(brecv(c, &b, 1, now() + 2000) == 0 && b == 'Y');
    assert(hclose(c) == 0 && hclose(x) == 0);

    /* ETIMEDOUT: the peer says nothing (a deadline of 0 too). */
    for(int i = 0; i < 5; i++) {
        for(int zero_deadline = 0; zero_deadline < 2; zero_deadline++) {
            assert(ipc_pair(p) == 0);
            int64_t start = now();
            assert(call(i, p[0], zero_deadline ? 0 : now() + 100) == -1 && errno == ETIMEDOUT);
            assert(now() - start >= (zero_deadline ? 0 : 90));
            assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
        }
    }
    /* ETIMEDOUT inside the authentication: the client sends its greeting
       but not the credentials; the callback is never called. */
    assert(ipc_pair(p) == 0);
    assert(bsend(p[0], "\x05\x01\x02\x01\x05" "ab", 7, -1) == 0);
    calls = 0;
    assert(socks5_proxy_auth(p[1], never, now() + 100) == -1 && errno == ETIMEDOUT);
    assert(calls == 0);
    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
    /* ETIMEDOUT from sendreply: the peer does not read, so replies go into
       the socket's buffer until one waits for room past its deadline. */
    assert(ipc_pair(p) == 0);
    int64_t start;
    int sent = 0;
    do {
        start = now();
        sent++;
    } while(call(5, p[1], now() + 100) == 0);
    assert(errno == ETIMEDOUT && sent > 1 && now() - start >= 90);
    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);

    /* ECANCELED: calls made by a canceled coroutine. */
    int pairs[5][2], ends[5];
    for(int i = 0; i < 5; i++) {
        assert(ipc_pair(pairs[i]) == 0);
        ends[i] = pairs[i][1];
    }
    int h = go(canceled_first(ends));
    assert(hclose(h) == 0);
    for(int i = 0; i < 5; i++) {
        assert(results[i] == -1 && errs[i] == ECANCELED);
        assert(hclose(pairs[i][0]) == 0 && hclose(pairs[i][1]) == 0);
    }
    /* ECANCELED: canceled while waiting inside each function (sendreply
       waits for room in a full socket). */
    for(int i = 0; i < 6; i++) {
        assert(ipc_pair(p) == 0);
        results[i] = 0;
        h = go(waits_inside(i, p[1]));
        assert(msleep(now() + 50) == 0);
        assert(hclose(h) == 0);
        assert(results[i] == -1 && errs[i] == ECANCELED);
        assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
    }

    /* EBUSY: another coroutine is receiving on the socket. */
    for(int i = 0; i < 5; i++) {
        assert(ipc_pair(p) == 0);
        h = go(receiver(p[1]));
        assert(call(i, p[1], now() + 2000) == -1 && errno == EBUSY);
        assert(hclose(h) == 0);
        assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
    }
    return 0;
}
