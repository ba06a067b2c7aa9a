/* With the heap run dry, tls_attach_client, tls_attach_client_mem (its
   buffers) and tls_attach_server fail with ENOMEM and, as every failed
   attach does, close the socket they were given (the peer sees the end of
   the stream).  This depends on our build: it runs our allocator dry
   (oom-helpers.h), which a native build cannot do the same way (malloc
   hardly ever fails there). */
#include "tls-helpers.h"
#include "oom-helpers.h"

int main(void) {
    tls_default_cert();
    const char *crt = tls_crt("srv"), *key = tls_key("srv");
    struct tls_storage mem;
    int p[3][2];
    for(int i = 0; i < 3; i++) assert(ipc_pair(p[i]) == 0);
    struct chunk *chunks = exhaust_memory();
    int rc1 = tls_attach_client(p[0][0], now() + 1000);
    int e1 = errno;
    int rc2 = tls_attach_client_mem(p[1][0], &mem, now() + 1000);
    int e2 = errno;
    int rc3 = tls_attach_server(p[2][0], crt, key, now() + 1000);
    int e3 = errno;
    release_memory(chunks);
    assert(rc1 == -1 && e1 == ENOMEM);
    assert(rc2 == -1 && e2 == ENOMEM);
    assert(rc3 == -1 && e3 == ENOMEM);
    for(int i = 0; i < 3; i++) {
        char c;
        int rc = brecv(p[i][1], &c, 1, now() + 1000);
        assert(rc == -1 && (errno == EPIPE || errno == ECONNRESET));
        assert(hclose(p[i][1]) == 0);
    }
    return 0;
}
