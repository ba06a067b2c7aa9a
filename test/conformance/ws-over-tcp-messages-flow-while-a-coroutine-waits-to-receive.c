/* WebSocket over TCP on 127.0.0.1, our client and server with the HTTP
   handshake, malloc'd and in the caller's memory, the server echoing in a
   coroutine that waits in ws_recv between messages: messages of every
   length encoding flow both ways, ws_detach hands back both TCP sockets in
   step.  Upstream libdill crashes here (a jump to address 0 when the
   server's coroutine waits in ws_recv the second time; the same over
   ipc_pair and IPC works, see ws-opening-handshake-over-ipc-pair-and-ipc.c);
   we carry the messages. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

/* Ours against ours, on a pair of connected bytestreams. */
static struct ws_storage cmem, smem;
static int srv_u;
coroutine void our_server(int u, int mem) {
    char resource[64], host[64];
    int s = mem ? ws_attach_server_mem(u, WS_TEXT, resource, sizeof(resource),
                      host, sizeof(host), &smem, now() + 5000)
                : ws_attach_server(u, WS_TEXT, resource, sizeof(resource), host,
                      sizeof(host), now() + 5000);
    assert(s >= 0);
    assert(strcmp(resource, "/a/b?c=d&e") == 0);
    assert(strcmp(host, "localhost:1234") == 0);
    /* Echo until the client closes, then close too. */
    static char buf[200000];
    for(;;) {
        int fl;
        ssize_t n = ws_recv(s, &fl, buf, sizeof(buf), now() + 5000);
        if(n < 0) { assert(errno == EPIPE); break; }
        assert(ws_send(s, fl, buf, n, now() + 5000) == 0);
    }
    int st;
    char r[16];
    /* (A reason here: ws-server-reads-the-reason-of-a-clients-close-frame.c.) */
    assert(ws_status(s, &st, r, sizeof(r)) == 0 && st == 1000);
    srv_u = ws_detach(s, 1000, NULL, 0, now() + 5000);
    assert(srv_u >= 0);
}

static void ours(int c0, int s0, int mem) {
    int h = go(our_server(s0, mem));
    int c = mem ? ws_attach_client_mem(c0, WS_BINARY, "/a/b?c=d&e", "localhost:1234",
                      &cmem, now() + 5000)
                : ws_attach_client(c0, WS_BINARY, "/a/b?c=d&e", "localhost:1234",
                      now() + 5000);
    assert(c >= 0);
    static char m[150000], r[150000];
    for(size_t i = 0; i < sizeof(m); i++) m[i] = (char)(i * 7);
    size_t lens[] = {0, 1, 125, 126, 65536, sizeof(m)};
    for(int i = 0; i < 6; i++) {
        int fl;
        assert(ws_send(c, i & 1 ? WS_TEXT : WS_BINARY, m, lens[i], now() + 5000) == 0);
        assert(ws_recv(c, &fl, r, sizeof(r), now() + 5000) == (ssize_t)lens[i]);
        assert(fl == (i & 1 ? WS_TEXT : WS_BINARY) && memcmp(r, m, lens[i]) == 0);
    }
    int u = ws_detach(c, 1000, NULL, 0, now() + 5000);
    assert(u >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    /* The underlying sockets are back, in step. */
    char x[5];
    assert(bsend(u, "after", 5, -1) == 0);
    assert(brecv(srv_u, x, 5, -1) == 0 && memcmp(x, "after", 5) == 0);
    assert(bsend(srv_u, "again", 5, -1) == 0);
    assert(brecv(u, x, 5, -1) == 0 && memcmp(x, "again", 5) == 0);
    hclose(u);
    hclose(srv_u);
}

static int accepted;
coroutine void tcp_acceptor(int ls) {
    accepted = tcp_accept(ls, NULL, now() + 5000);
    assert(accepted >= 0);
}

int main(void) {
    for(int mem = 0; mem < 2; mem++) {
        struct ipaddr a;
        assert(ipaddr_local(&a, "127.0.0.1", 0, 0) == 0);
        int ls = tcp_listen(&a, 10);
        assert(ls >= 0);
        int h = go(tcp_acceptor(ls));
        struct ipaddr r;
        assert(ipaddr_remote(&r, "127.0.0.1", ipaddr_port(&a), 0, -1) == 0);
        int c = tcp_connect(&r, now() + 5000);
        assert(c >= 0);
        assert(bundle_wait(h, now() + 5000) == 0);
        hclose(h);
        ours(c, accepted, mem);
        hclose(ls);
    }
    return 0;
}
