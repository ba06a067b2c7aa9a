/* Every descriptor number in use: tls_attach_client fails with EMFILE
   before its handshake, and closes the socket it was given, as every
   failed attach does (upstream's attaches close it too).

   Our build only: our TLS engine (Node's, wasm/shim/tls.js) stands behind a
   descriptor of its own, which upstream's OpenSSL does not need (natively
   the attach goes on to its handshake). */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "libdill.h"

#define MAXFILL 8192

static int filler[MAXFILL];
static int nfill;

int main(void) {
    int fp[2];
    assert(ipc_pair(fp) == 0);
    for(;;) {
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        if(s < 0) {
            assert(errno == EMFILE);
            break;
        }
        assert(nfill < MAXFILL);
        filler[nfill++] = s;
    }
    assert(tls_attach_client(fp[0], now() + 1000) == -1 && errno == EMFILE);
    assert(hclose(fp[0]) == -1 && errno == EBADF);
    char two[2];
    assert(brecv(fp[1], two, 2, now() + 1000) == -1 && errno == EPIPE);
    while(nfill) assert(close(filler[--nfill]) == 0);
    assert(hclose(fp[1]) == 0);
    return 0;
}
