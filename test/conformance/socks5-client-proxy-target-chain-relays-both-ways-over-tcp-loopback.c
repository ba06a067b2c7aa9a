/* A whole SOCKS5 chain in one program over TCP on 127.0.0.1 (through the
   kernel): C client -> C proxy (socks5_proxy_auth with a callback, then
   socks5_proxy_recvcommand or socks5_proxy_recvcommandbyname +
   ipaddr_remote, tcp_connect, socks5_proxy_sendreply, and a relay
   coroutine per direction that passes half-closes on) -> C target.  Two
   clients at once, one by address and one by name (the address as text),
   each sends a request and half-closes, the target checks it and answers,
   both sides see every byte in order and then EPIPE.  A target port with
   no listener comes back to the client as ECONNREFUSED (the proxy replies
   CONNECTION_REFUSED), a wrong password as EACCES. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

#define REQ 6000
#define RESP 9000

static unsigned char pat(int i, int salt) { return (unsigned char)(i * 7 + (i >> 8) + salt); }

static int byname_proxy;   /* the proxy uses socks5_proxy_recvcommandbyname */

static int check(const char *u, const char *p) {
    return strcmp(u, "alice") == 0 && strcmp(p, "s3cret") == 0;
}

/* Passes bytes on one at a time (a proxy cannot know how many will come),
   then the half-close. */
coroutine static void relay(int from, int to) {
    char b;
    while(brecv(from, &b, 1, -1) == 0)
        if(bsend(to, &b, 1, -1) < 0) return;
    tcp_done(to, -1);
}

static int last_cmd = -1;
static char last_host[256];

coroutine static void proxy_conn(int s) {
    if(socks5_proxy_auth(s, check, now() + 5000) < 0) {
        /* Wrong password (the proxy's errno: see
           socks5-proxy-auth-refusing-a-client-sets-eacces.c). */
        hclose(s);
        return;
    }
    struct ipaddr a;
    int cmd;
    if(byname_proxy) {
        int port;
        cmd = socks5_proxy_recvcommandbyname(s, last_host, &port, now() + 5000);
        assert(cmd == SOCKS5_CONNECT);
        assert(ipaddr_remote(&a, last_host, port, 0, now() + 5000) == 0);
    } else {
        cmd = socks5_proxy_recvcommand(s, &a, now() + 5000);
    }
    last_cmd = cmd;
    assert(cmd == SOCKS5_CONNECT);
    int t = tcp_connect(&a, now() + 5000);
    if(t < 0) {
        int reply = errno == ECONNREFUSED ? SOCKS5_CONNECTION_REFUSED :
            SOCKS5_GENERAL_FAILURE;
        assert(socks5_proxy_sendreply(s, reply, &a, now() + 5000) == 0);
        hclose(s);
        return;
    }
    assert(socks5_proxy_sendreply(s, SOCKS5_SUCCESS, &a, now() + 5000) == 0);
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, relay(s, t)) == 0);
    assert(bundle_go(b, relay(t, s)) == 0);
    assert(bundle_wait(b, now() + 20000) == 0);
    hclose(b);
    hclose(t);
    hclose(s);
}

coroutine static void proxy_server(int ls) {
    int b = bundle();
    for(;;) {
        int s = tcp_accept(ls, NULL, -1);
        if(s < 0) break;
        assert(bundle_go(b, proxy_conn(s)) == 0);
    }
    hclose(b);
}

/* Checks the request (its first byte says which client), answers. */
coroutine static void target_conn(int s) {
    unsigned char buf[REQ];
    unsigned char first;
    assert(brecv(s, &first, 1, now() + 10000) == 0);
    int salt = first;
    assert(brecv(s, buf + 1, REQ - 1, now() + 10000) == 0);
    for(int i = 1; i < REQ; i++) assert(buf[i] == pat(i, salt));
    char x;
    assert(brecv(s, &x, 1, now() + 10000) == -1 && errno == EPIPE);
    unsigned char out[RESP];
    for(int i = 0; i < RESP; i++) out[i] = pat(i, salt + 1);
    assert(bsend(s, out, RESP, now() + 10000) == 0);
    assert(tcp_done(s, now() + 10000) == 0);
    hclose(s);
}

coroutine static void target_server(int ls) {
    int b = bundle();
    for(;;) {
        int s = tcp_accept(ls, NULL, -1);
        if(s < 0) break;
        assert(bundle_go(b, target_conn(s)) == 0);
    }
    hclose(b);
}

static struct ipaddr proxy_addr, target_addr;

/* One client: connect to the proxy, SOCKS5 to the target, then the
   exchange.  Returns 0, or -1 with the SOCKS5 errno. */
static int client_run(const char *user, const char *pass, const char *name,
      int salt) {
    int s = tcp_connect(&proxy_addr, now() + 5000);
    assert(s >= 0);
    int rc = name ?
        socks5_client_connectbyname(s, user, pass, name, ipaddr_port(&target_addr),
            now() + 5000) :
        socks5_client_connect(s, user, pass, &target_addr, now() + 5000);
    if(rc < 0) {
        int err = errno;
        hclose(s);
        errno = err;
        return -1;
    }
    static unsigned char out[2][REQ], in[2][RESP];
    unsigned char *o = out[salt & 1], *n = in[salt & 1];
    for(int i = 0; i < REQ; i++) o[i] = pat(i, salt);
    o[0] = (unsigned char)salt;
    assert(bsend(s, o, REQ, now() + 10000) == 0);
    assert(tcp_done(s, now() + 10000) == 0);
    assert(brecv(s, n, RESP, now() + 20000) == 0);
    for(int i = 0; i < RESP; i++) assert(n[i] == pat(i, salt + 1));
    char x;
    assert(brecv(s, &x, 1, now() + 10000) == -1 && errno == EPIPE);
    assert(hclose(s) == 0);
    return 0;
}

static int results[2];

/* The name the client sends (address type 3): the address as text, which
   ipaddr_remote and socks5_proxy_recvcommand resolve without a resolver.
   Upstream's resolver crashes on "localhost" here (a segmentation fault in
   dns_res_close, called by ipaddr_remote in the proxy's coroutine); names
   that need one: socks5-proxy-recvcommand-resolves-a-name-the-client-sent.c
   and the ipaddr programs. */
static const char *name(void) {
    return "127.0.0.1";
}

coroutine static void client_co(int k) {
    results[k] = client_run("alice", "s3cret", k ? name() : NULL, 10 + k);
}

int main(void) {
    assert(ipaddr_local(&proxy_addr, "127.0.0.1", 0, IPADDR_IPV4) == 0);
    int pls = tcp_listen(&proxy_addr, 10);
    assert(pls >= 0);
    assert(ipaddr_local(&target_addr, "127.0.0.1", 0, IPADDR_IPV4) == 0);
    int tls = tcp_listen(&target_addr, 10);
    assert(tls >= 0);
    int ph = go(proxy_server(pls));
    int th = go(target_server(tls));

    for(byname_proxy = 0; byname_proxy < 2; byname_proxy++) {
        /* Two clients at once: by address and by name. */
        results[0] = results[1] = -2;
        int b = bundle();
        assert(bundle_go(b, client_co(0)) == 0);
        assert(bundle_go(b, client_co(1)) == 0);
        assert(bundle_wait(b, now() + 30000) == 0);
        assert(hclose(b) == 0);
        assert(results[0] == 0 && results[1] == 0);
        if(byname_proxy) assert(strcmp(last_host, "127.0.0.1") == 0);

        /* Wrong password. */
        assert(client_run("alice", "nope", NULL, 3) == -1 && errno == EACCES);
    }

    /* A port nobody listens on: a listener opened and closed again. */
    struct ipaddr gone;
    assert(ipaddr_local(&gone, "127.0.0.1", 0, IPADDR_IPV4) == 0);
    int gls = tcp_listen(&gone, 1);
    assert(gls >= 0 && hclose(gls) == 0);
    struct ipaddr saved = target_addr;
    target_addr = gone;
    for(byname_proxy = 0; byname_proxy < 2; byname_proxy++) {
        assert(client_run("alice", "s3cret", NULL, 4) == -1 && errno == ECONNREFUSED);
        assert(client_run("alice", "s3cret", name(), 4) == -1 && errno == ECONNREFUSED);
    }
    target_addr = saved;

    /* The accepting coroutines first: upstream aborts closing a listener
       a coroutine is still waiting on. */
    assert(hclose(ph) == 0 && hclose(th) == 0);
    assert(hclose(pls) == 0 && hclose(tls) == 0);
    return 0;
}
