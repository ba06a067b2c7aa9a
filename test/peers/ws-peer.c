/*
 * The C side of test/ws-interop.test.ts, compiled there with dillcc: a
 * WebSocket client (ws_attach_client) or server (ws_attach_server) over
 * TCP that echoes messages, then closes with a status and reason and
 * detaches (see main for the command lines).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdill.h>

#define BIG (1024 * 1024 + 3)
static char *buf;

static void fail(const char *what) {
    printf("FAIL %s: errno %d\n", what, errno);
    fflush(stdout);
    exit(1);
}

/* One message: prints its type and length, and whether a big one holds the
   pattern (i * 7 + i / 4096) & 0xff. */
static ssize_t recv_one(int s, int *fl) {
    ssize_t n = ws_recv(s, fl, buf, BIG + 16, now() + 10000);
    if(n < 0) return n;
    int ok = 1;
    if(n >= 65536)
        for(ssize_t i = 0; i < n; i++)
            if((unsigned char)buf[i] != ((i * 7 + i / 4096) & 0xff)) { ok = 0; break; }
    printf("got %s %d%s\n", *fl == WS_TEXT ? "text" : "binary", (int)n,
        n >= 65536 ? (ok ? " pattern-ok" : " pattern-BAD") : "");
    if(n < 200 && *fl == WS_TEXT) printf("content %.*s\n", (int)n, buf);
    if(n < 200 && *fl == WS_BINARY) {
        printf("hex ");
        for(ssize_t i = 0; i < n; i++) printf("%02x", (unsigned char)buf[i]);
        printf("\n");
    }
    fflush(stdout);
    return n;
}

/* Client: the script against the ws echo server. */
static int client(int port) {
    struct ipaddr a;
    if(ipaddr_remote(&a, "127.0.0.1", port, 0, -1) != 0) fail("ipaddr_remote");
    int t = tcp_connect(&a, now() + 5000);
    if(t < 0) fail("tcp_connect");
    char host[64];
    snprintf(host, sizeof(host), "127.0.0.1:%d", port);
    int s = ws_attach_client(t, WS_TEXT, "/echo?from=c", host, now() + 5000);
    if(s < 0) fail("ws_attach_client");
    int fl;
    /* Text and binary, echoed. */
    if(msend(s, "h\xc3\xa9llo w\xc3\xb6rld", 14, -1) != 0) fail("msend");
    if(recv_one(s, &fl) < 0) fail("recv text");
    if(ws_send(s, WS_BINARY, "\x00\x01\x02\xff", 4, -1) != 0) fail("ws_send");
    if(recv_one(s, &fl) < 0) fail("recv binary");
    /* Big, both ways. */
    for(int i = 0; i < BIG; i++) buf[i] = (char)((i * 7 + i / 4096) & 0xff);
    if(ws_send(s, WS_BINARY, buf, BIG, now() + 10000) != 0) fail("ws_send big");
    if(recv_one(s, &fl) < 0) fail("recv big");
    /* The server answers these with a fragmented message, a ping, a close. */
    if(msend(s, "fragments please", 16, -1) != 0) fail("msend");
    if(recv_one(s, &fl) < 0) fail("recv fragments");
    if(msend(s, "ping me", 7, -1) != 0) fail("msend");
    if(recv_one(s, &fl) < 0) fail("recv after ping");
    if(msend(s, "close me", 8, -1) != 0) fail("msend");
    if(recv_one(s, &fl) >= 0 || errno != EPIPE) fail("expected EPIPE");
    int st;
    char reason[128];
    ssize_t n = ws_status(s, &st, reason, sizeof(reason));
    if(n < 0) fail("ws_status");
    printf("closed by peer %d %.*s\n", st, (int)n, reason);
    t = ws_detach(s, 4001, "c-bye", 5, now() + 5000);
    if(t < 0) fail("ws_detach");
    printf("detached\n");
    hclose(t);
    return 0;
}

/* Server: echoes until the peer closes; then the close the other way. */
static int server(void) {
    struct ipaddr a;
    if(ipaddr_local(&a, "127.0.0.1", 0, 0) != 0) fail("ipaddr_local");
    int ls = tcp_listen(&a, 10);
    if(ls < 0) fail("tcp_listen");
    printf("ready %d\n", ipaddr_port(&a));
    fflush(stdout);
    int t = tcp_accept(ls, NULL, now() + 10000);
    if(t < 0) fail("tcp_accept");
    char resource[256], host[256];
    int s = ws_attach_server(t, WS_BINARY, resource, sizeof(resource), host,
        sizeof(host), now() + 5000);
    if(s < 0) fail("ws_attach_server");
    printf("resource %s host %s\n", resource, host);
    fflush(stdout);
    for(;;) {
        int fl;
        ssize_t n = recv_one(s, &fl);
        if(n < 0) break;
        if(ws_send(s, fl, buf, n, now() + 10000) != 0) fail("ws_send");
    }
    if(errno != EPIPE) fail("expected EPIPE");
    int st;
    char reason[128];
    ssize_t n = ws_status(s, &st, reason, sizeof(reason));
    if(n < 0) fail("ws_status");
    printf("closed by peer %d %.*s\n", st, (int)n, reason);
    fflush(stdout);
    t = ws_detach(s, 4004, "server-bye", 10, now() + 5000);
    if(t < 0) fail("ws_detach");
    printf("detached\n");
    hclose(t);
    hclose(ls);
    return 0;
}

int main(int argc, char **argv) {
    buf = malloc(BIG + 16);
    if(strcmp(argv[1], "client") == 0) return client(atoi(argv[2]));
    return server();
}
