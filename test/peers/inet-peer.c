/*
 * The C side of test/inet-interop.test.ts, compiled there with dillcc: a
 * TCP client or server exchanging a pattern both ways with half-closes, a
 * client or server that expects a reset, an HTTP/1.0 server for curl, a
 * UDP peer, and happyeyeballs_connect to "localhost" (see main for the
 * command lines).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdill.h>

static unsigned char pat(long i) { return (unsigned char)(i * 7 + (i >> 13)); }

static const char *ename(int e) {
    switch(e) {
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EINVAL: return "EINVAL";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    default: { static char b[32]; snprintf(b, sizeof(b), "errno %d", e); return b; }
    }
}

static int mode_of(const char *host) { return strchr(host, ':') ? IPADDR_IPV6 : IPADDR_IPV4; }

static void show(const char *what, const struct ipaddr *a) {
    char s[IPADDR_MAXSTRLEN];
    printf("%s %s %d\n", what, ipaddr_str(a, s), ipaddr_port(a));
}

/* Sends total pattern bytes in odd-sized pieces, then tcp_done. */
static int send_rc = -2, done_rc = -2, send_err, done_err;
coroutine void sender(int s, long total) {
    static unsigned char b[100003];
    long sent = 0;
    send_rc = 0;
    while(sent < total) {
        long n = 1 + (sent * 31) % (long)sizeof(b);
        if(n > total - sent) n = total - sent;
        for(long i = 0; i < n; i++) b[i] = pat(sent + i);
        if(bsend(s, b, n, -1) != 0) { send_rc = -1; send_err = errno; return; }
        sent += n;
    }
    done_rc = tcp_done(s, -1);
    done_err = errno;
}

/* Both ways at once: total bytes out then tcp_done; total bytes in, then EPIPE. */
static int duplex(int s, long total) {
    int h = go(sender(s, total));
    static unsigned char b[70001];
    long got = 0, sizes[] = {1, 4096, 70001, 13, 65536, 999};
    for(int k = 0; got < total; k++) {
        long n = sizes[k % 6];
        if(n > total - got) n = total - got;
        if(brecv(s, b, n, now() + 10000) != 0) { printf("brecv after %ld: %s\n", got, ename(errno)); return 5; }
        for(long i = 0; i < n; i++)
            if(b[i] != pat(got + i)) { printf("mismatch at %ld\n", got + i); return 6; }
        got += n;
    }
    char x;
    int rc = brecv(s, &x, 1, now() + 5000);
    printf("received %ld, then brecv %d %s\n", got, rc, rc ? ename(errno) : "");
    bundle_wait(h, now() + 10000);
    hclose(h);
    printf("bsend %d, tcp_done %d%s%s\n", send_rc, done_rc,
        send_rc ? " " : "", send_rc ? ename(send_err) : "");
    rc = tcp_close(s, now() + 5000);
    printf("tcp_close %d%s%s\n", rc, rc ? " " : "", rc ? ename(errno) : "");
    return 0;
}

/* Sends "hello", then waits for the peer's reset. */
static int reset(int s) {
    if(bsend(s, "hello", 5, -1) != 0) { printf("bsend hello: %s\n", ename(errno)); return 5; }
    char x;
    int rc = brecv(s, &x, 1, now() + 5000);
    printf("brecv %d %s\n", rc, ename(errno));
    rc = bsend(s, "x", 1, now() + 5000);
    printf("bsend %d %s\n", rc, ename(errno));
    return hclose(s);
}

static int listening(const char *host, struct ipaddr *a) {
    if(ipaddr_local(a, host, 0, mode_of(host)) != 0) { printf("ipaddr_local: %s\n", ename(errno)); exit(2); }
    int ls = tcp_listen(a, 10);
    if(ls < 0) { printf("tcp_listen: %s\n", ename(errno)); exit(2); }
    printf("listening %d\n", ipaddr_port(a));
    fflush(stdout);
    return ls;
}

static int http(int ls) {
    struct ipaddr peer;
    int s = tcp_accept(ls, &peer, now() + 10000);
    if(s < 0) { printf("tcp_accept: %s\n", ename(errno)); return 3; }
    show("peer", &peer);
    char req[8192];
    int n = 0;
    while(n < (int)sizeof(req) - 1) {
        if(brecv(s, req + n, 1, now() + 5000) != 0) { printf("brecv request: %s\n", ename(errno)); return 4; }
        n++;
        if(n >= 4 && memcmp(req + n - 4, "\r\n\r\n", 4) == 0) break;
    }
    req[n] = 0;
    printf("request line: %.*s\n", (int)strcspn(req, "\r"), req);
    static char body[100000];
    for(int i = 0; i < (int)sizeof(body); i++) body[i] = 'a' + i % 26;
    char head[256];
    int hl = snprintf(head, sizeof(head),
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n", (int)sizeof(body));
    if(bsend(s, head, hl, -1) != 0 || bsend(s, body, sizeof(body), -1) != 0) { printf("bsend: %s\n", ename(errno)); return 5; }
    int rc = tcp_close(s, now() + 5000);
    printf("tcp_close %d%s%s\n", rc, rc ? " " : "", rc ? ename(errno) : "");
    return 0;
}

/* UDP: datagrams of several sizes to the Node peer, then three from it. */
static int udp(const char *host, int peerport) {
    struct ipaddr local, peer, from;
    int mode = mode_of(host);
    if(ipaddr_local(&local, host, 0, mode) != 0) { printf("ipaddr_local: %s\n", ename(errno)); return 2; }
    int s = udp_open(&local, NULL);
    if(s < 0) { printf("udp_open: %s\n", ename(errno)); return 2; }
    show("bound", &local);
    fflush(stdout);
    if(ipaddr_remote(&peer, host, peerport, mode, -1) != 0) { printf("ipaddr_remote: %s\n", ename(errno)); return 2; }
    static char b[65536];
    int sizes[] = {5, 1000, 0, 20000};
    for(int i = 0; i < 4; i++) {
        memset(b, 'A' + i, sizes[i]);
        if(udp_send(s, &peer, b, sizes[i]) != 0) { printf("udp_send: %s\n", ename(errno)); return 3; }
    }
    for(int i = 0; i < 3; i++) {
        ssize_t n = udp_recv(s, &from, b, sizeof(b), now() + 5000);
        if(n < 0) { printf("udp_recv: %s\n", ename(errno)); return 4; }
        int same = 1;
        for(ssize_t j = 1; j < n; j++) same &= b[j] == b[0];
        char str[IPADDR_MAXSTRLEN];
        printf("datagram %d '%c'%s from %s %d\n", (int)n, n ? b[0] : '-', same ? "" : " (mixed)",
            ipaddr_str(&from, str), ipaddr_port(&from));
    }
    return hclose(s);
}

int main(int argc, char **argv) {
    const char *what = argv[1];
    struct ipaddr a;
    if(strcmp(what, "connect") == 0) {
        /* connect HOST PORT duplex N | reset */
        if(ipaddr_remote(&a, argv[2], atoi(argv[3]), mode_of(argv[2]), now() + 5000) != 0) { printf("ipaddr_remote: %s\n", ename(errno)); return 2; }
        int s = tcp_connect(&a, now() + 5000);
        if(s < 0) { printf("tcp_connect: %s\n", ename(errno)); return 2; }
        return strcmp(argv[4], "reset") == 0 ? reset(s) : duplex(s, atol(argv[5]));
    }
    if(strcmp(what, "listen") == 0) {
        /* listen HOST duplex N | reset */
        int ls = listening(argv[2], &a);
        struct ipaddr peer;
        int s = tcp_accept(ls, &peer, now() + 10000);
        if(s < 0) { printf("tcp_accept: %s\n", ename(errno)); return 3; }
        show("peer", &peer);
        int rc = strcmp(argv[3], "reset") == 0 ? reset(s) : duplex(s, atol(argv[4]));
        hclose(ls);
        return rc;
    }
    if(strcmp(what, "http") == 0) {
        int ls = listening(argv[2], &a);
        int rc = http(ls);
        hclose(ls);
        return rc;
    }
    if(strcmp(what, "udp") == 0) return udp(argv[2], atoi(argv[3]));
    if(strcmp(what, "he") == 0) {
        /* he NAME PORT: happyeyeballs_connect, "ping" -> the reply, to EPIPE */
        int s = happyeyeballs_connect(argv[2], atoi(argv[3]), now() + 5000);
        if(s < 0) { printf("happyeyeballs_connect: %s\n", ename(errno)); return 2; }
        if(bsend(s, "ping", 4, -1) != 0 || tcp_done(s, -1) != 0) { printf("bsend: %s\n", ename(errno)); return 3; }
        char r[64];
        int n = 0;
        while(n < 63 && brecv(s, r + n, 1, now() + 5000) == 0) n++;
        printf("reply %.*s, then %s\n", n, r, ename(errno));
        return tcp_close(s, now() + 5000) == 0 ? 0 : 4;
    }
    return 1;
}
