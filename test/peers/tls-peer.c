/*
 * The C side of test/tls-interop.test.ts, compiled there with dillcc: a
 * TLS client (tls_attach_client) and an echoing TLS server
 * (tls_attach_server) over TCP, ending with tls_done and tls_detach (see
 * main for the command lines).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdill.h>

#define BIG (1024 * 1024 + 3)
static char buf[BIG], got[BIG];

static void fail(const char *what) {
    printf("FAIL %s: %s\n", what, strerror(errno));
    fflush(stdout);
    exit(1);
}

static int pattern_ok(const char *b, size_t n) {
    for(size_t i = 0; i < n; i++) if(b[i] != (char)((i * 7 + i / 4096) & 0xff)) return 0;
    return 1;
}

/* client PORT MODE: MODE "full" (line, big data, done, detach), "line"
   (a line, then the reversed line back: openssl s_server -rev), or
   "attach" (the handshake, or its errno, and one byte echoed). */
static int client(int port, const char *mode) {
    struct ipaddr a;
    if(ipaddr_remote(&a, "127.0.0.1", port, 0, -1) != 0) fail("ipaddr_remote");
    int t = tcp_connect(&a, now() + 5000);
    if(t < 0) fail("tcp_connect");
    int s = tls_attach_client(t, now() + 5000);
    if(s < 0) {
        printf("attach %s\n", errno == EPROTO ? "EPROTO" : errno == ECONNRESET ? "ECONNRESET" :
            strerror(errno));
        return 0;
    }
    printf("attached\n");
    if(strcmp(mode, "attach") == 0) {
        /* One byte echoed: the server has finished its handshake too. */
        if(bsend(s, "?", 1, now() + 5000) != 0 || brecv(s, got, 1, now() + 5000) != 0)
            fail("echo");
        return hclose(s);
    }
    if(bsend(s, "hello tls\n", 10, now() + 5000) != 0) fail("bsend");
    if(brecv(s, got, 10, now() + 5000) != 0) fail("brecv line");
    printf("line %.9s\n", got);
    fflush(stdout);
    if(strcmp(mode, "line") == 0) {
        if(tls_done(s, now() + 5000) != 0) fail("tls_done");
        printf("done\n");
        int rc = brecv(s, got, 1, now() + 5000);
        printf("after done %s\n", rc == 0 ? "data" : errno == EPIPE ? "EPIPE" : strerror(errno));
        return 0;
    }
    for(int i = 0; i < BIG; i++) buf[i] = (char)((i * 7 + i / 4096) & 0xff);
    if(bsend(s, buf, BIG, now() + 10000) != 0) fail("bsend big");
    if(brecv(s, got, BIG, now() + 10000) != 0) fail("brecv big");
    printf("big %s\n", pattern_ok(got, BIG) ? "ok" : "BAD");
    if(tls_done(s, now() + 5000) != 0) fail("tls_done");
    int rc = brecv(s, got, 1, now() + 5000);
    printf("after done %s\n", rc == 0 ? "data" : errno == EPIPE ? "EPIPE" : strerror(errno));
    int u = tls_detach(s, now() + 5000);
    if(u < 0) fail("tls_detach");
    printf("detached\n");
    return hclose(u);
}

/* server CERT KEY COUNT: listens on 127.0.0.1, prints the port, accepts
   one connection, echoes COUNT bytes one by one (or, if COUNT is 0, blocks
   of 4096 until EPIPE), then
   tls_detach (our close_notify, then the peer's). */
static int server(const char *cert, const char *key, long count) {
    struct ipaddr a;
    if(ipaddr_local(&a, "127.0.0.1", 0, 0) != 0) fail("ipaddr_local");
    int ls = tcp_listen(&a, 10);
    if(ls < 0) fail("tcp_listen");
    printf("port %d\n", ipaddr_port(&a));
    fflush(stdout);
    int t = tcp_accept(ls, NULL, now() + 10000);
    if(t < 0) fail("tcp_accept");
    int s = tls_attach_server(t, cert, key, now() + 5000);
    if(s < 0) {
        printf("attach %s\n", errno == EPROTO ? "EPROTO" : errno == ECONNRESET ? "ECONNRESET" :
            strerror(errno));
        return 0;
    }
    printf("attached\n");
    fflush(stdout);
    long n = 0;
    for(;;) {
        if(count && n == count) break;
        size_t want = count ? 1 : 4096;
        int rc = brecv(s, buf, want, now() + 10000);
        if(rc < 0 && errno == EPIPE) {printf("EPIPE after %ld\n", n); break;}
        if(rc < 0) fail("brecv");
        if(bsend(s, buf, want, now() + 10000) != 0) fail("bsend");
        n += (long)want;
    }
    fflush(stdout);
    int u = tls_detach(s, now() + 5000);
    if(u < 0) fail("tls_detach");
    printf("detached\n");
    return hclose(u);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if(argc >= 3 && strcmp(argv[1], "client") == 0)
        return client(atoi(argv[2]), argc > 3 ? argv[3] : "full");
    if(argc >= 5 && strcmp(argv[1], "server") == 0)
        return server(argv[2], argv[3], atol(argv[4]));
    return 2;
}
