/* Lines RFC 7230 does not allow, written raw by the peer: ours refuses them
   with EPROTO, each read whole so that the next good line is received
   normally (extra or missing spaces in a request line, a bad version, a
   status outside 100-599, control characters in a reason or a value, a
   field name that is not a token or is followed by a space, a folded
   line, an empty line where a status line should be); a line longer than
   the limit (4096 bytes) is EMSGSIZE and the receiving direction is then
   unusable (ECONNRESET); a line of exactly 4096 bytes is fine; lines ended
   by a bare LF are not lines.  Received values lose leading and trailing
   spaces and tabs; a status line without a reason is accepted; empty
   lines before a request line are skipped (RFC 7230 section 3.5).
   Upstream differs: its parser accepts these lines (an empty name, a name
   such as "N@me", status 600, control characters...), keeps trailing
   whitespace in values, refuses a status line without reason (EPROTO),
   returns EPIPE for an empty line before a status line, and cuts lines
   at 1024 bytes without telling (the rest of the line is dropped).  This
   program fails natively for those. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "libdill.h"

static int p[2], s;
static char cmd[64], res[5000], reason[5000], name[5000], value[5000];

static void send_raw(const char *bytes, size_t n) {
    assert(bsend(p[1], bytes, n, -1) == 0);
}

static void bad_request(const char *line, size_t n) {
    send_raw(line, n);
    send_raw("\r\nGET /ok HTTP/1.1\r\n", 20);
    int rc = http_recvrequest(s, cmd, sizeof(cmd), res, sizeof(res), -1);
    if(rc != -1 || errno != EPROTO) {
        fprintf(stderr, "request line \"%.*s\": rc %d errno %d\n", (int)n, line, rc, errno);
        assert(0);
    }
    assert(http_recvrequest(s, cmd, sizeof(cmd), res, sizeof(res), -1) == 0);
    assert(strcmp(cmd, "GET") == 0 && strcmp(res, "/ok") == 0);
}

static void bad_status(const char *line, size_t n) {
    send_raw(line, n);
    send_raw("\r\nHTTP/1.1 200 OK\r\n", 19);
    int rc = http_recvstatus(s, reason, sizeof(reason), -1);
    if(rc != -1 || errno != EPROTO) {
        fprintf(stderr, "status line \"%.*s\": rc %d errno %d\n", (int)n, line, rc, errno);
        assert(0);
    }
    assert(http_recvstatus(s, reason, sizeof(reason), -1) == 200);
    assert(strcmp(reason, "OK") == 0);
}

static void bad_field(const char *line, size_t n) {
    send_raw(line, n);
    send_raw("\r\nGood: yes\r\n", 13);
    int rc = http_recvfield(s, name, sizeof(name), value, sizeof(value), -1);
    if(rc != -1 || errno != EPROTO) {
        fprintf(stderr, "field \"%.*s\": rc %d errno %d\n", (int)n, line, rc, errno);
        assert(0);
    }
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == 0);
    assert(strcmp(name, "Good") == 0 && strcmp(value, "yes") == 0);
}

#define BAD_REQUEST(lit) bad_request(lit, sizeof(lit) - 1)
#define BAD_STATUS(lit) bad_status(lit, sizeof(lit) - 1)
#define BAD_FIELD(lit) bad_field(lit, sizeof(lit) - 1)

int main(void) {
    assert(ipc_pair(p) == 0);
    s = http_attach(p[0]);
    assert(s >= 0);

    BAD_REQUEST("GET  / HTTP/1.1");
    BAD_REQUEST("GET /  HTTP/1.1");
    BAD_REQUEST(" GET / HTTP/1.1");
    BAD_REQUEST("GET / HTTP/1.1 ");
    BAD_REQUEST("G(T / HTTP/1.1");
    BAD_REQUEST("G\x80T / HTTP/1.1");
    BAD_REQUEST("GET /\x01 HTTP/1.1");
    BAD_REQUEST("GET /\tb HTTP/1.1");
    BAD_REQUEST("GET / HTTX/1.1");
    BAD_REQUEST("GET / HTTP/a.1");
    BAD_REQUEST("GET / http/1.1");
    BAD_REQUEST("GET / HTTP/1.1\r");
    BAD_STATUS("");
    BAD_STATUS("HTTP/1.1 600 Too big");
    BAD_STATUS("HTTP/1.1 099 Too small");
    BAD_STATUS("HTTP/1.1  200 OK");
    BAD_STATUS("HTTP/1.1 200 O\x01K");
    BAD_STATUS("HTTP/1.1 200 O\x00K");
    BAD_STATUS("HTTP/1.1 200 O\x7fK");
    BAD_STATUS("HTTP/x.1 200 OK");
    BAD_FIELD(": no name");
    BAD_FIELD("Name : x");
    BAD_FIELD("Name\t: x");
    BAD_FIELD(" Folded: x");
    BAD_FIELD("N@me: x");
    BAD_FIELD("Name: va\x01lue");
    BAD_FIELD("Name: va\x00lue");
    BAD_FIELD("Name: value\x7f");
    BAD_FIELD("Name: value\r");
    BAD_STATUS("");

    /* Values lose leading and trailing spaces and tabs. */
    send_raw("X-Spaced: \t  a  value \t \r\n", 26);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == 0);
    assert(strcmp(value, "a  value") == 0);
    /* A status line without a reason. */
    send_raw("HTTP/1.1 204\r\n", 14);
    assert(http_recvstatus(s, reason, sizeof(reason), -1) == 204);
    assert(strcmp(reason, "") == 0);
    /* Empty lines before a request line. */
    send_raw("\r\n\r\nGET /x HTTP/1.1\r\n", 21);
    assert(http_recvrequest(s, cmd, sizeof(cmd), res, sizeof(res), -1) == 0);
    assert(strcmp(cmd, "GET") == 0 && strcmp(res, "/x") == 0);

    /* Exactly 4096 bytes: received. */
    static char line[5000];
    memcpy(line, "X-Long: ", 8);
    memset(line + 8, 'v', 4096 - 8);
    memcpy(line + 4096, "\r\n", 2);
    send_raw(line, 4098);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == 0);
    assert(strlen(value) == 4096 - 8);
    /* A line ended by a bare LF is not a line: a peer using them soon sends
       an over-long one. */
    for(int i = 0; i < 500; i++) send_raw("Bare: lf\n", 9);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == -1 && errno == EMSGSIZE);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == -1 && errno == ECONNRESET);
    assert(http_recvstatus(s, reason, sizeof(reason), -1) == -1 && errno == ECONNRESET);
    assert(hclose(s) == 0);
    assert(hclose(p[1]) == 0);

    /* 4097 bytes: EMSGSIZE, for each kind of line. */
    memset(line, 'x', 4097);
    memcpy(line + 4097, "\r\n", 2);
    for(int k = 0; k < 3; k++) {
        assert(ipc_pair(p) == 0);
        s = http_attach(p[0]);
        assert(s >= 0);
        send_raw(line, 4099);
        int rc = k == 0 ? http_recvrequest(s, cmd, sizeof(cmd), res, sizeof(res), -1) :
            k == 1 ? http_recvstatus(s, reason, sizeof(reason), -1) :
            http_recvfield(s, name, sizeof(name), value, sizeof(value), -1);
        assert(rc == -1 && errno == EMSGSIZE);
        assert(http_detach(s, -1) == -1 && errno == ECONNRESET);
        assert(hclose(p[1]) == 0);
    }
    return 0;
}
