/* The HTTP opening handshake (RFC 6455 section 4).  Our client's request
   (read with the HTTP functions on a raw end: GET, the resource, Host,
   Upgrade, Connection, a valid Sec-WebSocket-Key, version 13) and our
   server's answer to a browser-like request (case-insensitive names and
   tokens, extra fields, the RFC's example key: 101 with the matching
   Sec-WebSocket-Accept), frames right after the heads.  Our client and
   server together over an ipc_pair and IPC, malloc'd and in the caller's
   memory: the server gets the resource and host, messages flow both ways,
   and ws_detach hands back the IPC socket in step on both sides.  Where
   upstream crashes or refuses: over TCP
   (ws-over-tcp-messages-flow-while-a-coroutine-waits-to-receive.c),
   "Connection: keep-alive, Upgrade" as Firefox sends it
   (ws-server-takes-upgrade-among-other-connection-tokens.c). */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "ws-helpers.h"

coroutine void server_side(int raw);

static void client_request(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int h = go(server_side(p[1]));
    int c = ws_attach_client(p[0], WS_TEXT, "/chat?room=1", "example.org:8080",
        now() + 5000);
    assert(c >= 0);
    assert(msend(c, "hello", 5, -1) == 0);
    char buf[16];
    assert(mrecv(c, buf, sizeof(buf), -1) == 5 && memcmp(buf, "world", 5) == 0);
    hclose(c);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
}

coroutine void server_side(int raw) {
    int h = http_attach(raw);
    assert(h >= 0);
    char cmd[16], res[64], name[64], value[256], key[64] = "";
    assert(http_recvrequest(h, cmd, sizeof(cmd), res, sizeof(res), now() + 5000) == 0);
    assert(strcmp(cmd, "GET") == 0 && strcmp(res, "/chat?room=1") == 0);
    int host = 0, upgrade = 0, connection = 0, version = 0;
    while(http_recvfield(h, name, sizeof(name), value, sizeof(value), now() + 5000) == 0) {
        if(strcmp(name, "Host") == 0) host = strcmp(value, "example.org:8080") == 0;
        if(strcmp(name, "Upgrade") == 0) upgrade = strcmp(value, "websocket") == 0;
        if(strcmp(name, "Connection") == 0) connection = strcmp(value, "Upgrade") == 0;
        if(strcmp(name, "Sec-WebSocket-Version") == 0) version = strcmp(value, "13") == 0;
        if(strcmp(name, "Sec-WebSocket-Key") == 0) strcpy(key, value);
    }
    assert(errno == EPIPE);
    assert(host && upgrade && connection && version);
    char accept[WS_KEY_SIZE];
    assert(ws_response_key(key, accept) == 0);
    /* Field names in any case, Upgrade's value too, extra fields. */
    assert(http_sendstatus(h, 101, "Switching Protocols", -1) == 0);
    assert(http_sendfield(h, "upgrade", "WebSocket", -1) == 0);
    assert(http_sendfield(h, "CONNECTION", "Upgrade", -1) == 0);
    assert(http_sendfield(h, "Server", "raw test", -1) == 0);
    assert(http_sendfield(h, "sec-websocket-accept", accept, -1) == 0);
    assert(http_done(h, -1) == 0);
    int s = http_detach(h, -1);
    assert(s >= 0);
    /* Then frames: the client's, masked. */
    int b0, masked;
    char p[16];
    assert(raw_read(s, &b0, &masked, p, sizeof(p)) == 5);
    assert(b0 == (0x80 | OP_TEXT) && masked && memcmp(p, "hello", 5) == 0);
    raw_frame(s, 1, OP_TEXT, NULL, "world", 5);
    /* Wait for the client to close. */
    char x;
    assert(brecv(s, &x, 1, now() + 5000) == -1);
    hclose(s);
}

coroutine void browser(int raw) {
    const char *req =
        "GET /socket HTTP/1.1\r\n"
        "host: server.example.com\r\n"
        "User-Agent: Mozilla/5.0 (a test)\r\n"
        "upgrade: WebSocket\r\n"
        "connection: upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Origin: http://example.com\r\n"
        "sec-websocket-version: 13\r\n"
        "\r\n";
    assert(bsend(raw, req, strlen(req), -1) == 0);
    /* The frame may follow the request at once. */
    raw_frame(raw, 1, OP_BIN, KEY, "first", 5);
    /* The response read line by line (HTTP's own detach would end our
       head with a blank line: the request was written raw). */
    int h = suffix_attach(raw, "\r\n", 2);
    assert(h >= 0);
    char line[256];
    ssize_t n = mrecv(h, line, sizeof(line) - 1, now() + 5000);
    assert(n > 0);
    line[n] = 0;
    assert(strncmp(line, "HTTP/1.1 101 ", 13) == 0);
    int upgrade = 0, connection = 0, accept = 0;
    while((n = mrecv(h, line, sizeof(line) - 1, now() + 5000)) > 0) {
        line[n] = 0;
        if(strcasecmp(line, "Upgrade: websocket") == 0) upgrade = 1;
        if(strcasecmp(line, "Connection: Upgrade") == 0) connection = 1;
        if(strcmp(line, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == 0)
            accept = 1;
    }
    assert(n == 0 && upgrade && connection && accept);
    int s = suffix_detach(h, -1);
    assert(s >= 0);
    int b0, masked;
    char p[16];
    assert(raw_read(s, &b0, &masked, p, sizeof(p)) == 6);
    assert(b0 == (0x80 | OP_BIN) && !masked && memcmp(p, "second", 6) == 0);
    char x;
    assert(brecv(s, &x, 1, now() + 5000) == -1);
    hclose(s);
}

static void server_response(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int h = go(browser(p[1]));
    char resource[32], host[32];
    int s = ws_attach_server(p[0], 0, resource, sizeof(resource), host,
        sizeof(host), now() + 5000);
    assert(s >= 0);
    assert(strcmp(resource, "/socket") == 0);
    assert(strcmp(host, "server.example.com") == 0);
    char buf[16];
    assert(mrecv(s, buf, sizeof(buf), -1) == 5 && memcmp(buf, "first", 5) == 0);
    assert(msend(s, "second", 6, -1) == 0);
    hclose(s);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
}

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
coroutine void ipc_acceptor(int ls) {
    accepted = ipc_accept(ls, now() + 5000);
    assert(accepted >= 0);
}

int main(void) {
    client_request();
    server_response();
    for(int mem = 0; mem < 2; mem++) {
        int p[2];
        assert(ipc_pair(p) == 0);
        ours(p[0], p[1], mem);

        int h, c, ls;
        char path[64];
        snprintf(path, sizeof(path), "/tmp/ws-handshake-%d.sock", (int)getpid());
        unlink(path);
        ls = ipc_listen(path, 10);
        assert(ls >= 0);
        h = go(ipc_acceptor(ls));
        c = ipc_connect(path, now() + 5000);
        assert(c >= 0);
        assert(bundle_wait(h, now() + 5000) == 0);
        hclose(h);
        ours(c, accepted, mem);
        hclose(ls);
        unlink(path);
    }
    return 0;
}
