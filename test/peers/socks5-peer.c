/*
 * The C side of test/socks5-interop.test.ts, compiled there with dillcc: a
 * SOCKS5 client that echoes data through a proxy, one that reports the
 * errno of each reply code, and a SOCKS5 proxy relaying to its destination
 * (see main for the command lines).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdill.h>

#define say(...) do { printf(__VA_ARGS__); fflush(stdout); } while(0)

static const char *ename(int e) {
    switch(e) {
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNABORTED: return "ECONNABORTED";
    case EIO: return "EIO";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENETUNREACH: return "ENETUNREACH";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENOTSUP: return "ENOTSUP";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTO: return "EPROTO";
    case EINVAL: return "EINVAL";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    default: { static char b[32]; snprintf(b, sizeof(b), "errno %d", e); return b; }
    }
}

static unsigned char pat(long i) { return (unsigned char)(i * 7 + (i >> 9)); }

static int to_proxy(int port) {
    struct ipaddr p;
    if(ipaddr_local(&p, "127.0.0.1", port, IPADDR_IPV4) != 0) exit(2);
    int s = tcp_connect(&p, now() + 5000);
    if(s < 0) { say("tcp_connect %s\n", ename(errno)); exit(2); }
    return s;
}

static const char *arg(const char *a) { return strcmp(a, "-") == 0 ? NULL : a; }

/* client PROXYPORT HOST PORT addr|name USER|- PASS|- N */
static int client(char **argv) {
    int s = to_proxy(atoi(argv[2]));
    const char *host = argv[3];
    int port = atoi(argv[4]);
    int rc;
    if(strcmp(argv[5], "name") == 0) {
        rc = socks5_client_connectbyname(s, arg(argv[6]), arg(argv[7]), host, port, now() + 5000);
    } else {
        struct ipaddr a;
        if(ipaddr_remote(&a, host, port, 0, now() + 5000) != 0) { say("ipaddr_remote %s\n", ename(errno)); return 2; }
        rc = socks5_client_connect(s, arg(argv[6]), arg(argv[7]), &a, now() + 5000);
    }
    if(rc != 0) { say("socks5 %s\n", ename(errno)); hclose(s); return 0; }
    long n = atol(argv[8]);
    unsigned char *b = malloc(n);
    for(long i = 0; i < n; i++) b[i] = pat(i);
    if(bsend(s, b, n, now() + 10000) != 0) { say("bsend %s\n", ename(errno)); return 3; }
    memset(b, 0, n);
    if(brecv(s, b, n, now() + 10000) != 0) { say("brecv %s\n", ename(errno)); return 4; }
    for(long i = 0; i < n; i++) if(b[i] != pat(i)) { say("mismatch at %ld\n", i); return 5; }
    say("echoed %ld\n", n);
    free(b);
    return hclose(s);
}

/* statuses PROXYPORT: CONNECT to 127.0.0.1 ports 1-8, each errno. */
static int statuses(char **argv) {
    for(int port = 1; port <= 8; port++) {
        int s = to_proxy(atoi(argv[2]));
        struct ipaddr a;
        ipaddr_local(&a, "127.0.0.1", port, IPADDR_IPV4);
        int rc = socks5_client_connect(s, NULL, NULL, &a, now() + 5000);
        say("%d %d %s\n", port, rc, rc ? ename(errno) : "");
        hclose(s);
    }
    return 0;
}

static const char *want_user, *want_pass;

static int check(const char *u, const char *p) {
    return strcmp(u, want_user) == 0 && strcmp(p, want_pass) == 0;
}

static int reply_for(int err) {
    switch(err) {
    case ECONNREFUSED: return SOCKS5_CONNECTION_REFUSED;
    case ENETUNREACH: return SOCKS5_NETWORK_UNREACHABLE;
    case EHOSTUNREACH: case EADDRNOTAVAIL: return SOCKS5_HOST_UNREACHABLE;
    case ETIMEDOUT: return SOCKS5_TTL_EXPIRED;
    default: return SOCKS5_GENERAL_FAILURE;
    }
}

/* Passes bytes on one at a time, then the half-close; reports on ch. */
coroutine static void relay(int from, int to, long *count, int ch) {
    char b;
    while(brecv(from, &b, 1, -1) == 0) {
        if(bsend(to, &b, 1, -1) != 0) break;
        ++*count;
    }
    if(errno == EPIPE) tcp_done(to, -1);
    int one = 1;
    chsend(ch, &one, sizeof(one), -1);
}

static void serve(int s, int byname) {
    if(socks5_proxy_auth(s, want_user ? check : NULL, now() + 5000) != 0) {
        say("auth %s\n", ename(errno));
        hclose(s);
        return;
    }
    say("auth ok\n");
    struct ipaddr a;
    int cmd;
    if(byname) {
        char host[256];
        int port;
        cmd = socks5_proxy_recvcommandbyname(s, host, &port, now() + 5000);
        if(cmd < 0) { say("recvcommandbyname %s\n", ename(errno)); hclose(s); return; }
        say("request %d %s %d\n", cmd, host, port);
        if(ipaddr_remote(&a, host, port, 0, now() + 5000) != 0) {
            socks5_proxy_sendreply(s, SOCKS5_HOST_UNREACHABLE, NULL, now() + 5000);
            hclose(s);
            return;
        }
    } else {
        cmd = socks5_proxy_recvcommand(s, &a, now() + 5000);
        if(cmd < 0) { say("recvcommand %s\n", ename(errno)); hclose(s); return; }
        char str[IPADDR_MAXSTRLEN];
        say("request %d %s %d\n", cmd, ipaddr_str(&a, str), ipaddr_port(&a));
    }
    if(cmd != SOCKS5_CONNECT) {
        socks5_proxy_sendreply(s, SOCKS5_COMMAND_NOT_SUPPORTED, NULL, now() + 5000);
        hclose(s);
        return;
    }
    int t = tcp_connect(&a, now() + 5000);
    if(t < 0) {
        say("connect %s\n", ename(errno));
        socks5_proxy_sendreply(s, reply_for(errno), NULL, now() + 5000);
        hclose(s);
        return;
    }
    if(socks5_proxy_sendreply(s, SOCKS5_SUCCESS, &a, now() + 5000) != 0) { say("sendreply %s\n", ename(errno)); exit(3); }
    int ch[2];
    chmake(ch);
    long up = 0, down = 0;
    int b = bundle();
    bundle_go(b, relay(s, t, &up, ch[1]));
    bundle_go(b, relay(t, s, &down, ch[1]));
    /* Once one direction is over, the other gets a few seconds. */
    int one;
    chrecv(ch[0], &one, sizeof(one), -1);
    chrecv(ch[0], &one, sizeof(one), now() + 5000);
    hclose(b);
    hclose(ch[0]);
    hclose(ch[1]);
    hclose(t);
    hclose(s);
    say("relayed %ld %ld\n", up, down);
}

/* proxy addr|name USER:PASS|- COUNT */
static int proxy(char **argv) {
    if(strcmp(argv[3], "-") != 0) {
        char *colon = strchr(argv[3], ':');
        *colon = 0;
        want_user = argv[3];
        want_pass = colon + 1;
    }
    struct ipaddr a;
    ipaddr_local(&a, "127.0.0.1", 0, IPADDR_IPV4);
    int ls = tcp_listen(&a, 10);
    if(ls < 0) { say("tcp_listen %s\n", ename(errno)); return 2; }
    say("listening %d\n", ipaddr_port(&a));
    for(int i = atoi(argv[4]); i > 0; i--) {
        int s = tcp_accept(ls, NULL, now() + 30000);
        if(s < 0) { say("tcp_accept %s\n", ename(errno)); return 2; }
        serve(s, strcmp(argv[2], "name") == 0);
    }
    return hclose(ls);
}

int main(int argc, char **argv) {
    if(strcmp(argv[1], "client") == 0) return client(argv);
    if(strcmp(argv[1], "statuses") == 0) return statuses(argv);
    if(strcmp(argv[1], "proxy") == 0) return proxy(argv);
    return 1;
}
