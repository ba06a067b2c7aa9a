/*
 * The C side of test/http-interop.test.ts, compiled there with dillcc:
 * an HTTP client (a GET, and a PUT with "Expect: 100-continue") and a
 * server, each with http_attach over TCP and the body read or written raw
 * after http_detach (see main for the command lines).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdill.h>

static void fail(const char *what) {
    printf("%s failed: errno %d\n", what, errno);
    exit(2);
}

/* Prints the fields up to the blank line; returns Content-Length or -1. */
static long fields(int s) {
    long len = -1;
    for(;;) {
        char name[256], value[1024];
        if(http_recvfield(s, name, sizeof(name), value, sizeof(value), now() + 5000) < 0) {
            if(errno == EPIPE) return len;
            fail("http_recvfield");
        }
        printf("field %s: %s\n", name, value);
        if(strcmp(name, "Content-Length") == 0 || strcmp(name, "content-length") == 0)
            len = atol(value);
    }
}

/* Reads the raw body: len bytes, or up to EOF if len < 0. */
static void body(int u, long len) {
    char b[4096];
    long n = 0;
    while(len < 0 || n < len) {
        if(brecv(u, b + n, 1, now() + 5000) < 0) {
            if(errno == EPIPE && len < 0) break;
            fail("brecv body");
        }
        n++;
    }
    printf("body %.*s\n", (int)n, b);
}

static int connect_to(const char *port) {
    struct ipaddr a;
    if(ipaddr_remote(&a, "127.0.0.1", atoi(port), IPADDR_IPV4, -1) < 0) fail("ipaddr_remote");
    int s = tcp_connect(&a, now() + 5000);
    if(s < 0) fail("tcp_connect");
    s = http_attach(s);
    if(s < 0) fail("http_attach");
    return s;
}

static void status(int s) {
    char reason[256];
    int st = http_recvstatus(s, reason, sizeof(reason), now() + 5000);
    if(st < 0) fail("http_recvstatus");
    printf("status %d %s\n", st, reason);
}

int main(int argc, char **argv) {
    if(strcmp(argv[1], "get") == 0) {
        int s = connect_to(argv[2]);
        if(http_sendrequest(s, "GET", "/path/to?q=1&r=%20", -1) < 0) fail("http_sendrequest");
        if(http_sendfield(s, "Host", "127.0.0.1", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "X-Test", "  some value  ", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "Connection", "close", -1) < 0) fail("http_sendfield");
        if(http_done(s, -1) < 0) fail("http_done");
        status(s);
        long len = fields(s);
        int u = http_detach(s, now() + 5000);
        if(u < 0) fail("http_detach");
        body(u, len);
        if(tcp_close(u, now() + 5000) < 0) fail("tcp_close");
        return 0;
    }
    if(strcmp(argv[1], "continue") == 0) {
        int s = connect_to(argv[2]);
        if(http_sendrequest(s, "PUT", "/upload", -1) < 0) fail("http_sendrequest");
        if(http_sendfield(s, "Host", "127.0.0.1", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "Content-Length", "11", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "Expect", "100-continue", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "Connection", "close", -1) < 0) fail("http_sendfield");
        if(http_done(s, -1) < 0) fail("http_done");
        status(s);
        fields(s);
        int u = http_detach(s, now() + 5000);
        if(u < 0) fail("http_detach");
        if(bsend(u, "hello world", 11, -1) < 0) fail("bsend");
        s = http_attach(u);
        if(s < 0) fail("http_attach again");
        status(s);
        long len = fields(s);
        u = http_detach(s, now() + 5000);
        if(u < 0) fail("http_detach");
        body(u, len);
        if(tcp_close(u, now() + 5000) < 0) fail("tcp_close");
        return 0;
    }
    if(strcmp(argv[1], "serve") == 0) {
        struct ipaddr a;
        if(ipaddr_local(&a, "127.0.0.1", 0, IPADDR_IPV4) < 0) fail("ipaddr_local");
        int ls = tcp_listen(&a, 10);
        if(ls < 0) fail("tcp_listen");
        printf("listening %d\n", ipaddr_port(&a));
        fflush(stdout);
        int s = tcp_accept(ls, NULL, now() + 10000);
        if(s < 0) fail("tcp_accept");
        s = http_attach(s);
        if(s < 0) fail("http_attach");
        char cmd[16], res[256];
        if(http_recvrequest(s, cmd, sizeof(cmd), res, sizeof(res), now() + 5000) < 0) fail("http_recvrequest");
        printf("request %s %s\n", cmd, res);
        long len = fields(s);
        if(http_sendstatus(s, 202, "Accepted, Thanks", -1) < 0) fail("http_sendstatus");
        if(http_sendfield(s, "Content-Type", "text/plain", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "Content-Length", "18", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "X-Reply", "yes", -1) < 0) fail("http_sendfield");
        int u = http_detach(s, now() + 5000);
        if(u < 0) fail("http_detach");
        body(u, len);
        if(bsend(u, "the response body!", 18, -1) < 0) fail("bsend");
        if(tcp_close(u, now() + 5000) < 0) fail("tcp_close");
        hclose(ls);
        return 0;
    }
    return 1;
}
