/* Bad HTTP lines written raw by the peer (the other end of an ipc_pair):
   malformed request lines, status lines and fields are EPROTO, each read
   whole so that the next good line is received normally, as upstream's.
   Lines upstream accepts but ours refuses, and lines too long:
   http-lines-upstream-accepts-are-eproto-here-and-long-ones-emsgsize.c. */
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

    BAD_REQUEST("GET");
    BAD_REQUEST("GET /");
    BAD_REQUEST("GET / ");
    BAD_REQUEST("GET /HTTP/1.1");
    BAD_REQUEST("GET / HTTP/1.1 extra");
    BAD_REQUEST("GET /a\x00" "b HTTP/1.1");
    BAD_REQUEST("GET / HTTP/11");
    BAD_REQUEST("GET / HTTP/1.");
    BAD_STATUS("HTTP/1.1");
    BAD_STATUS("HTTP/1.1 ");
    BAD_STATUS("HTTP/1.1 20");
    BAD_STATUS("HTTP/1.1 20 OK");
    BAD_STATUS("HTTP/1.1 2000 OK");
    BAD_STATUS("HTTP/1.1 2000");
    BAD_STATUS("HTTP/1.1 abc OK");
    BAD_STATUS("HTTP/1.1 -20 OK");
    BAD_STATUS("HTTP/1.1 2x0 OK");
    BAD_STATUS("HTTP/1.1200 OK");
    BAD_STATUS("HTTP/1.1 200OK");
    BAD_STATUS("ICY 200 OK");
    BAD_STATUS("GET / HTTP/1.1");
    BAD_FIELD("NoColon");
    BAD_FIELD("No Colon Here");
    BAD_FIELD("Bad Name: x");
    BAD_FIELD("\tcontinued line");
    BAD_FIELD("Na\x00me: value");

    /* A field value may hold obs-text (bytes >= 0x80) and tabs. */
    send_raw("Name: caf\xc3\xa9\t!\r\n", 15);
    assert(http_recvfield(s, name, sizeof(name), value, sizeof(value), -1) == 0);
    assert(strcmp(value, "caf\xc3\xa9\t!") == 0);
    assert(hclose(s) == 0);
    assert(hclose(p[1]) == 0);
    return 0;
}
