/* With the heap run dry, ws_attach_client and ws_attach_server (with and
   without the HTTP handshake) fail with ENOMEM and, as every failed attach
   does, close the socket they were given; the _mem variants need no memory
   and work.  This depends on our build: it runs our allocator dry
   (oom-helpers.h), which a native build cannot do the same way (malloc
   hardly ever fails there). */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"
#include "oom-helpers.h"

int main(void) {
    char buf[16], host[16];
    int p[4][2];
    for(int i = 0; i < 4; i++) assert(ipc_pair(p[i]) == 0);
    int q[2];
    assert(ipc_pair(q) == 0);
    struct chunk *chunks = exhaust_memory();
    assert(ws_attach_client(p[0][0], WS_NOHTTP, NULL, NULL, -1) == -1 && errno == ENOMEM);
    assert(ws_attach_server(p[1][0], WS_NOHTTP, NULL, 0, NULL, 0, -1) == -1 && errno == ENOMEM);
    assert(ws_attach_client(p[2][0], 0, "/", "host", -1) == -1 && errno == ENOMEM);
    assert(ws_attach_server(p[3][0], 0, buf, sizeof(buf), host, sizeof(host), -1) == -1 &&
        errno == ENOMEM);
    /* In the caller's memory there is nothing to allocate. */
    struct ws_storage mem;
    int c = ws_attach_client_mem(q[0], WS_NOHTTP, NULL, NULL, &mem, -1);
    assert(c >= 0);
    release_memory(chunks);
    /* Closed: the peers see the end of the stream.  (Their numbers may
       serve other handles by now.) */
    for(int i = 0; i < 4; i++) {
        assert(brecv(p[i][1], buf, 1, -1) == -1 && errno == EPIPE);
        assert(hclose(p[i][1]) == 0);
    }
    int s = ws_attach_server(q[1], WS_NOHTTP, NULL, 0, NULL, 0, -1);
    assert(s >= 0);
    assert(ws_send(c, WS_TEXT, "fine", 4, -1) == 0);
    int fl;
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 4 && memcmp(buf, "fine", 4) == 0);
    hclose(c);
    hclose(s);
    return 0;
}
