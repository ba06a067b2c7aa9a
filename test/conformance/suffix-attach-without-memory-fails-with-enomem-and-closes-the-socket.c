/* suffix_attach when no memory is left fails with ENOMEM and, as every
   failed attach does (upstream's too), closes the socket it was given; once
   memory is back, attaching works again.
   Depends on our build: it runs the wasm heap dry through our malloc (a
   native process would take the whole machine's memory first). */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"
#include "oom-helpers.h"

int main(void) {
    int p[2];
    char b[8];
    assert(ipc_pair(p) == 0);
    struct chunk *chunks = exhaust_memory();
    assert(suffix_attach(p[0], "\n", 1) == -1 && errno == ENOMEM);
    release_memory(chunks);
    assert(bsend(p[0], "x", 1, -1) == -1 && errno == EBADF);
    assert(brecv(p[1], b, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(p[1]) == 0);
    assert(ipc_pair(p) == 0);
    int s = suffix_attach(p[0], "\n", 1);
    assert(s >= 0);
    assert(msend(s, "fine", 4, -1) == 0);
    assert(brecv(p[1], b, 5, now() + 1000) == 0 && memcmp(b, "fine\n", 5) == 0);
    assert(hclose(s) == 0 && hclose(p[1]) == 0);
    return 0;
}
