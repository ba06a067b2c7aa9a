/* http_attach when no memory is left fails with ENOMEM and, as every failed
   attach does (upstream's too), closes the socket it was given; once memory
   is back, attaching works again.
   Depends on our build: it runs the wasm heap dry through our malloc (a
   native process would take the whole machine's memory first). */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"
#include "oom-helpers.h"

int main(void) {
    int p[2];
    char buf[32];
    assert(ipc_pair(p) == 0);
    struct chunk *chunks = exhaust_memory();
    assert(http_attach(p[0]) == -1 && errno == ENOMEM);
    release_memory(chunks);
    assert(bsend(p[0], "x", 1, -1) == -1 && errno == EBADF);
    assert(brecv(p[1], buf, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);
    assert(ipc_pair(p) == 0);
    int s = http_attach(p[0]);
    assert(s >= 0);
    assert(http_sendrequest(s, "GET", "/", -1) == 0);
    assert(brecv(p[1], buf, 16, now() + 1000) == 0 && memcmp(buf, "GET / HTTP/1.1\r\n", 16) == 0);
    assert(hclose(s) == 0 && hclose(p[1]) == 0);
    return 0;
}
