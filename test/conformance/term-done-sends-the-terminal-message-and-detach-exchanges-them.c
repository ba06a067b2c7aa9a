/* TERM over SUFFIX ("\n") over ipc_pair against a raw peer: term_done sends
   the terminal message as a message of the layer below (once: EPIPE after);
   a message equal to the terminal one may be sent with msend too (the peer
   takes it for the end), as upstream's; receiving the peer's terminal
   message is EPIPE; term_detach sends ours if needed and drops the peer's
   messages up to its terminal one, then hands back the SUFFIX socket at the
   message after it.  (Upstream's TERM receive has bugs of its own, and
   crashed on TERM over PREFIX here: term-handshake-receive-lists-and-
   errors.c.) */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

static void expect_raw(int s, const char *bytes) {
    char b[256];
    size_t n = strlen(bytes);
    assert(brecv(s, b, n, now() + 1000) == 0);
    assert(memcmp(b, bytes, n) == 0);
}

int main(void) {
    int p[2];
    char buf[64];
    assert(ipc_pair(p) == 0);
    int m = suffix_attach(p[0], "\n", 1);
    assert(m >= 0);
    int s = term_attach(m, "STOP", 4);
    assert(s >= 0);
    assert(msend(m, "x", 1, -1) == -1 && errno == EBADF);   /* taken over */
    assert(msend(s, "a", 1, -1) == 0);
    assert(msend(s, "STOP", 4, -1) == 0);
    assert(term_done(s, -1) == 0);
    assert(term_done(s, -1) == -1 && errno == EPIPE);
    expect_raw(p[1], "a\nSTOP\nSTOP\n");

    /* The peer's terminal message: EPIPE. */
    assert(bsend(p[1], "STOP\nafter\n", 11, -1) == 0);
    assert(mrecv(s, buf, sizeof(buf), -1) == -1 && errno == EPIPE);
    /* Both terminal messages done: term_detach returns at once, the SUFFIX
       socket positioned after the peer's. */
    m = term_detach(s, -1);
    assert(m >= 0);
    assert(mrecv(m, buf, sizeof(buf), -1) == 5 && memcmp(buf, "after", 5) == 0);

    /* term_detach sends ours and drops the peer's messages up to its own. */
    s = term_attach(m, "bye", 3);
    assert(s >= 0);
    assert(bsend(p[1], "dropped\nalso dropped\nbye\nnext\n", 31, -1) == 0);
    m = term_detach(s, -1);
    assert(m >= 0);
    expect_raw(p[1], "bye\n");
    assert(mrecv(m, buf, sizeof(buf), -1) == 4 && memcmp(buf, "next", 4) == 0);
    assert(hclose(m) == 0 && hclose(p[1]) == 0);

    return 0;
}
