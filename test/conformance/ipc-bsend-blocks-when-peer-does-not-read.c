/* Pushback: bsend to a peer that does not read blocks once a bounded amount
   is buffered, and honours its deadline; once the peer reads, it goes on. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "libdill.h"

#define CHUNK 65536

coroutine static void reader(int s, size_t total) {
    char *buf = malloc(CHUNK);
    size_t got = 0;
    while(got < total) {
        size_t n = total - got < CHUNK ? total - got : CHUNK;
        assert(brecv(s, buf, n, now() + 5000) == 0);
        got += n;
    }
    free(buf);
}

int main(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    char *buf = calloc(1, CHUNK);
    size_t sent = 0;
    int rc;
    while((rc = bsend(p[0], buf, CHUNK, now() + 50)) == 0) {
        sent += CHUNK;
        assert(sent < 64 * 1024 * 1024);
    }
    assert(errno == ETIMEDOUT);
    assert(sent >= CHUNK);
    /* A timed-out send leaves the sending direction unusable. */
    assert(bsend(p[0], buf, 1, -1) == -1 && errno == ECONNRESET);
    hclose(p[0]);
    hclose(p[1]);

    /* With a reader, 16 MiB go through. */
    assert(ipc_pair(p) == 0);
    int h = go(reader(p[1], 16 * 1024 * 1024));
    for(int i = 0; i < 256; i++) assert(bsend(p[0], buf, CHUNK, now() + 5000) == 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    hclose(p[0]);
    hclose(p[1]);
    free(buf);
    return 0;
}
