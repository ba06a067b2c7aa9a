/* ipc_done half-closes: the peer receives every byte sent before it, then
   EPIPE; a second ipc_done and bsend after it give EPIPE; our brecv keeps
   working; ipc_close does the termination handshake. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libdill.h"

static char path[64];

coroutine static void server(int ls) {
    int s = ipc_accept(ls, now() + 2000);
    assert(s >= 0);
    char buf[64];
    size_t got = 0;
    while(brecv(s, buf + got, 1, now() + 2000) == 0) got++;
    assert(errno == EPIPE);
    assert(got == 7 && memcmp(buf, "request", 7) == 0);
    /* Still EPIPE on later calls. */
    assert(brecv(s, buf, 1, now() + 100) == -1 && errno == EPIPE);
    assert(bsend(s, "answer", 6, -1) == 0);
    assert(ipc_close(s, now() + 2000) == 0);
}

int main(void) {
    char dir[] = "/tmp/dill-ipcdone-XXXXXX";
    assert(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/s.sock", dir);
    int ls = ipc_listen(path, 10);
    assert(ls >= 0);
    int h = go(server(ls));
    int c = ipc_connect(path, now() + 2000);
    assert(c >= 0);
    assert(bsend(c, "request", 7, -1) == 0);
    assert(ipc_done(c, -1) == 0);
    assert(ipc_done(c, -1) == -1 && errno == EPIPE);
    assert(bsend(c, "x", 1, -1) == -1 && errno == EPIPE);
    char buf[6];
    assert(brecv(c, buf, 6, now() + 2000) == 0 && memcmp(buf, "answer", 6) == 0);
    assert(brecv(c, buf, 1, now() + 2000) == -1 && errno == EPIPE);
    assert(hclose(c) == 0);
    assert(bundle_wait(h, now() + 2000) == 0);
    assert(hclose(h) == 0);
    assert(hclose(ls) == 0);
    unlink(path);
    rmdir(dir);
    return 0;
}
