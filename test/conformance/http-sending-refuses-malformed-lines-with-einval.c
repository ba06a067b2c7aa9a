/* What http_sendrequest, http_sendstatus and http_sendfield would send as a
   malformed or injected line is refused with EINVAL, nothing sent: NULL
   arguments, an empty command, resource or field name, a command or name
   that is not an RFC 7230 token, control characters (CR and LF included) in
   the resource, a reason or a value.
   Upstream differs: it sends such lines as they are ("GET  HTTP/1.1", ": v",
   "N: a\r\nInjected: 1", "HTTP/1.1 200 a\r\nb"), and crashes on NULL; ours
   keeps its lines well-formed.  This program fails natively for that. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

int main(void) {
    int p[2];
    char b[64];
    assert(ipc_pair(p) == 0);
    int s = http_attach(p[0]);
    assert(s >= 0);
    assert(http_sendrequest(s, NULL, "/", -1) == -1 && errno == EINVAL);
    assert(http_sendrequest(s, "GET", NULL, -1) == -1 && errno == EINVAL);
    assert(http_sendrequest(s, "", "/", -1) == -1 && errno == EINVAL);
    assert(http_sendrequest(s, "G:T", "/", -1) == -1 && errno == EINVAL);
    assert(http_sendrequest(s, "GET", "", -1) == -1 && errno == EINVAL);
    assert(http_sendrequest(s, "GET", "/\r\nX: y", -1) == -1 && errno == EINVAL);
    assert(http_sendrequest(s, "GET", "/\x01", -1) == -1 && errno == EINVAL);
    assert(http_sendstatus(s, 200, NULL, -1) == -1 && errno == EINVAL);
    assert(http_sendstatus(s, 200, "O\nK", -1) == -1 && errno == EINVAL);
    assert(http_sendstatus(s, 200, "a\r\nb", -1) == -1 && errno == EINVAL);
    assert(http_sendfield(s, NULL, "v", -1) == -1 && errno == EINVAL);
    assert(http_sendfield(s, "n", NULL, -1) == -1 && errno == EINVAL);
    assert(http_sendfield(s, "", "v", -1) == -1 && errno == EINVAL);
    assert(http_sendfield(s, "N\r", "v", -1) == -1 && errno == EINVAL);
    assert(http_sendfield(s, "Name", "v\r\nInjected: 1", -1) == -1 && errno == EINVAL);
    assert(http_sendfield(s, "Name", "v\x01", -1) == -1 && errno == EINVAL);
    /* Nothing went out: the next line is the first the peer sees. */
    assert(http_sendrequest(s, "GET", "/", -1) == 0);
    assert(brecv(p[1], b, 16, now() + 1000) == 0 && memcmp(b, "GET / HTTP/1.1\r\n", 16) == 0);
    /* And a field value of spaces only is EPROTO, as an empty one is
       (upstream crashes on it). */
    assert(http_sendfield(s, "Name", "   ", -1) == -1 && errno == EPROTO);
    assert(hclose(s) == 0 && hclose(p[1]) == 0);
    return 0;
}
