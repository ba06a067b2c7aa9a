/* Opening handshakes that go wrong.  Our client against raw responses: a
   status other than 101, Sec-WebSocket-Accept missing or wrong, Upgrade or
   Connection missing or wrong, a malformed head: EPROTO; the response cut
   short: EPIPE before its status line is complete, ECONNRESET after; none
   at all: ETIMEDOUT.  Our server against raw requests: not GET, a key
   missing or malformed, Upgrade or Connection missing or another version
   than 13, a malformed request line or field, a request cut short among
   its fields: EPROTO; a resource or host too long for the caller's buffer:
   EMSGSIZE; the request cut short in its first line: EPIPE; none:
   ETIMEDOUT.  In every case the socket is closed (the peer sees the end of
   the stream), as is one given with a resource with white space (EINVAL).  Elsewhere, where upstream differs: a status other than 101
   (upstream does not close the socket:
   ws-client-closes-the-socket-when-the-status-is-not-101.c), extensions
   and subprotocols not asked for (upstream takes them:
   ws-client-refuses-a-response-with-an-extension-or-subprotocol-it-did-not-ask-for.c),
   the server's 400 and 426 answers and a request without Host (upstream
   answers nothing, takes that one:
   ws-server-answers-a-handshake-it-refuses-with-400-or-426.c). */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "ws-helpers.h"

/* Reads the head the other side sent, up to its blank line, into buf. */
static void read_head(int raw, char *buf, size_t len) {
    size_t n = 0;
    while(n < 4 || memcmp(buf + n - 4, "\r\n\r\n", 4) != 0) {
        assert(n + 1 < len);
        assert(brecv(raw, buf + n, 1, now() + 5000) == 0);
        n++;
    }
    buf[n] = 0;
}

/* The other side closed its socket (after whatever it answered). */
static void expect_closed(int raw) {
    char x;
    int rc;
    while((rc = brecv(raw, &x, 1, now() + 5000)) == 0) {}
    assert(rc == -1 && (errno == EPIPE || errno == ECONNRESET));
}

/* What our client sent, with the key it chose. */
static void request_key(int raw, char *accept) {
    char head[1024];
    read_head(raw, head, sizeof(head));
    char *k = strstr(head, "Sec-WebSocket-Key: ");
    assert(k);
    char key[64];
    assert(sscanf(k + 19, "%63[^\r]", key) == 1);
    assert(ws_response_key(key, accept) == 0);
}

static int client_rc, client_err;
coroutine void client(int s, int64_t deadline) {
    client_rc = ws_attach_client(s, 0, "/", "host", deadline);
    client_err = errno;
}

/* The response, with "%s" replaced by the right accept key.  The socket is
   closed afterwards unless `leaves` (upstream leaves it open then). */
static void bad_response_ex(const char *fmt, int err, int leaves) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int h = go(client(p[0], now() + 5000));
    char accept[WS_KEY_SIZE], resp[1024];
    request_key(p[1], accept);
    snprintf(resp, sizeof(resp), fmt, accept);
    assert(bsend(p[1], resp, strlen(resp), -1) == 0);
    assert(ipc_done(p[1], -1) == 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(client_rc == -1 && client_err == err);
    if(!leaves) expect_closed(p[1]);
    hclose(p[1]);
}

static void bad_response(const char *fmt, int err) {
    bad_response_ex(fmt, err, 0);
}

static void client_side(void) {
#define OK_FIELDS "Upgrade: websocket\r\nConnection: Upgrade\r\n"
    /* The good one works (and this is what the bad ones vary). */
    int p[2];
    assert(ipc_pair(p) == 0);
    int h = go(client(p[0], now() + 5000));
    char accept[WS_KEY_SIZE], resp[512];
    request_key(p[1], accept);
    snprintf(resp, sizeof(resp), "HTTP/1.1 101 Switching Protocols\r\n" OK_FIELDS
        "Sec-WebSocket-Accept: %s\r\n\r\n", accept);
    assert(bsend(p[1], resp, strlen(resp), -1) == 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(client_rc >= 0);
    hclose(client_rc);
    hclose(p[1]);

    bad_response_ex("HTTP/1.1 200 OK\r\n" OK_FIELDS "Sec-WebSocket-Accept: %s\r\n\r\n",
        EPROTO, 1);
    bad_response_ex("HTTP/1.1 400 Bad Request\r\n\r\n%s", EPROTO, 1);
    bad_response("HTTP/1.1 101 Switching Protocols\r\n" OK_FIELDS "\r\n%s", EPROTO);
    bad_response("HTTP/1.1 101 Switching Protocols\r\n" OK_FIELDS
        "Sec-WebSocket-Accept: x%s\r\n\r\n", EPROTO);
    bad_response("HTTP/1.1 101 Switching Protocols\r\n" OK_FIELDS
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n%s", EPROTO);
    bad_response("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: %s\r\n\r\n", EPROTO);
    bad_response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: %s\r\n\r\n", EPROTO);
    bad_response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        "Sec-WebSocket-Accept: %s\r\n\r\n", EPROTO);
    bad_response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: close\r\n"
        "Sec-WebSocket-Accept: %s\r\n\r\n", EPROTO);
    bad_response("HTTP/1.1 1O1 Switching Protocols\r\n%s\r\n\r\n", EPROTO);
    bad_response("HTTP/1.1 101 Switching Protocols\r\n" OK_FIELDS
        "Sec-WebSocket-Accept %s\r\n\r\n", EPROTO);
    /* Cut short. */
    bad_response("HTTP/1.1 101 Switching Protocols\r\n" OK_FIELDS
        "Sec-WebSocket-Accept: %s\r\n", ECONNRESET);
    bad_response("HTTP/1.1 10%s", EPIPE);
    bad_response("%s", EPIPE);
    /* No answer. */
    assert(ipc_pair(p) == 0);
    int64_t t = now();
    h = go(client(p[0], now() + 100));
    read_head(p[1], resp, sizeof(resp));
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(client_rc == -1 && client_err == ETIMEDOUT && now() - t >= 90);
    expect_closed(p[1]);
    hclose(p[1]);

    /* EINVAL for a resource with white space: nothing is sent, the socket
       is closed.  (More that HTTP cannot carry, where upstream sends it:
       ws-client-refuses-a-resource-or-host-http-cannot-carry.c.) */
    const char *bad[][2] = {{"/a b", "host"}, {"/a\r\nX: y", "host"}};
    for(int i = 0; i < 2; i++) {
        assert(ipc_pair(p) == 0);
        assert(ws_attach_client(p[0], 0, bad[i][0], bad[i][1], -1) == -1);
        assert(errno == EINVAL);
        char x;
        assert(brecv(p[1], &x, 1, now() + 5000) == -1 && errno == EPIPE);
        hclose(p[1]);
    }
}

static int server_rc, server_err;
static char resource[16], host[16];
coroutine void server(int s, int64_t deadline) {
    server_rc = ws_attach_server(s, 0, resource, sizeof(resource), host,
        sizeof(host), deadline);
    server_err = errno;
}

#define GOOD_KEY "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
#define GOOD_REST "Host: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" \
    "Sec-WebSocket-Version: 13\r\n"

/* Sends req; the server fails with err and closes the socket (after an
   answer, which ws-server-answers-a-handshake-it-refuses-with-400-or-426.c
   looks at). */
static void bad_request(const char *req, int err) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int h = go(server(p[0], now() + 5000));
    assert(bsend(p[1], req, strlen(req), -1) == 0);
    assert(ipc_done(p[1], -1) == 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(server_rc == -1 && server_err == err);
    expect_closed(p[1]);
    hclose(p[1]);
}

static void server_side(void) {
    /* The good one. */
    int p[2];
    assert(ipc_pair(p) == 0);
    int h = go(server(p[0], now() + 5000));
    const char *good = "GET /r HTTP/1.1\r\n" GOOD_REST GOOD_KEY "\r\n";
    assert(bsend(p[1], good, strlen(good), -1) == 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(server_rc >= 0);
    assert(strcmp(resource, "/r") == 0 && strcmp(host, "h") == 0);
    char head[512];
    read_head(p[1], head, sizeof(head));
    assert(strncmp(head, "HTTP/1.1 101 ", 13) == 0);
    assert(strstr(head, "\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    hclose(server_rc);
    hclose(p[1]);

    bad_request("POST /r HTTP/1.1\r\n" GOOD_REST GOOD_KEY "\r\n", EPROTO);
    bad_request("get /r HTTP/1.1\r\n" GOOD_REST GOOD_KEY "\r\n", EPROTO);
    bad_request("GET /r HTTP/1.1\r\n" GOOD_REST "\r\n", EPROTO);
    bad_request("GET /r HTTP/1.1\r\n" GOOD_REST "Sec-WebSocket-Key: c2hvcnQ=\r\n\r\n", EPROTO);
    bad_request("GET /r HTTP/1.1\r\n" GOOD_REST "Sec-WebSocket-Key: \r\n\r\n", EPROTO);
    bad_request("GET /r HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 13\r\n" GOOD_KEY "\r\n", EPROTO);
    bad_request("GET /r HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
        "Sec-WebSocket-Version: 13\r\n" GOOD_KEY "\r\n", EPROTO);
    bad_request("GET /r HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        GOOD_KEY "\r\n", EPROTO);
    bad_request("GET /r HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 8\r\n" GOOD_KEY "\r\n", EPROTO);
    bad_request("GET /r\r\n\r\n", EPROTO);
    bad_request("GET /r HTTP/1.1\r\n" GOOD_REST "Bad Field: x\r\n" GOOD_KEY "\r\n", EPROTO);
    /* Too long for the caller's buffers (16 bytes with the NUL). */
    bad_request("GET /0123456789abcdef HTTP/1.1\r\n" GOOD_REST GOOD_KEY "\r\n", EMSGSIZE);
    bad_request("GET /r HTTP/1.1\r\nHost: 0123456789abcdef\r\n", EMSGSIZE);
    /* Cut short. */
    bad_request("GET /r HTTP/1.1\r\n" GOOD_REST, EPROTO);
    bad_request("GET /r HT", EPIPE);
    bad_request("", EPIPE);
    /* No request. */
    assert(ipc_pair(p) == 0);
    int64_t t = now();
    h = go(server(p[0], now() + 100));
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(server_rc == -1 && server_err == ETIMEDOUT && now() - t >= 90);
    expect_closed(p[1]);
    hclose(p[1]);
}

int main(void) {
    client_side();
    server_side();
    return 0;
}
