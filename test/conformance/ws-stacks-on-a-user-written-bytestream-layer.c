/* WebSocket on a bytestream layer written with libdillimpl.h (hmake, a
   struct bsock_vfs forwarding to an ipc_pair end and counting bytes), both
   ends, HTTP handshake included: messages flow, each side reads exactly
   what the other wrote and nothing ahead (after both detaches the byte
   counts match), ws_detach hands back the layer itself (same object, new
   handle number), and hclose of a WebSocket closes the layer under it.
   (A protocol on top of a WebSocket, where upstream fails:
   ws-carries-term-messages-and-comes-back-after-term-detach.c.) */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libdillimpl.h>
#include "ws-helpers.h"

static const int layer_type_placeholder = 0;
static const void *layer_type = &layer_type_placeholder;

struct layer {
    struct hvfs hvfs;
    struct bsock_vfs bvfs;
    int u;
    struct bsock_vfs *lower;
    size_t sent, received;
    int *closed;
};

static void *layer_query(struct hvfs *hvfs, const void *type) {
    struct layer *self = (struct layer*)((char*)hvfs - offsetof(struct layer, hvfs));
    if(type == bsock_type) return &self->bvfs;
    if(type == layer_type) return self;
    errno = ENOTSUP;
    return NULL;
}

static void layer_close(struct hvfs *hvfs) {
    struct layer *self = (struct layer*)((char*)hvfs - offsetof(struct layer, hvfs));
    hclose(self->u);
    (*self->closed)++;
    free(self);
}

static size_t total(struct iolist *first) {
    size_t n = 0;
    for(struct iolist *it = first; it; it = it->iol_next) n += it->iol_len;
    return n;
}

static int layer_bsendl(struct bsock_vfs *bvfs, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    struct layer *self = (struct layer*)((char*)bvfs - offsetof(struct layer, bvfs));
    int rc = self->lower->bsendl(self->lower, first, last, deadline);
    if(rc == 0) self->sent += total(first);
    return rc;
}

static int layer_brecvl(struct bsock_vfs *bvfs, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    struct layer *self = (struct layer*)((char*)bvfs - offsetof(struct layer, bvfs));
    int rc = self->lower->brecvl(self->lower, first, last, deadline);
    if(rc == 0) self->received += total(first);
    return rc;
}

static int layer_attach(int u, int *closed) {
    struct layer *self = calloc(1, sizeof(*self));
    assert(self);
    self->hvfs.query = layer_query;
    self->hvfs.close = layer_close;
    self->bvfs.bsendl = layer_bsendl;
    self->bvfs.brecvl = layer_brecvl;
    self->u = u;
    self->lower = hquery(u, bsock_type);
    assert(self->lower);
    self->closed = closed;
    int h = hmake(&self->hvfs);
    assert(h >= 0);
    return h;
}

static struct layer *layer_of(int h) {
    return hquery(h, layer_type);
}

static int server_u, closes;
coroutine void server(int l) {
    char resource[32], host[32];
    int s = ws_attach_server(l, WS_TEXT, resource, sizeof(resource), host,
        sizeof(host), now() + 5000);
    assert(s >= 0);
    assert(strcmp(resource, "/layered") == 0 && strcmp(host, "user.layer") == 0);
    char buf[100000];
    for(;;) {
        ssize_t n = mrecv(s, buf, sizeof(buf), now() + 5000);
        if(n < 0) { assert(errno == EPIPE); break; }
        assert(msend(s, buf, n, now() + 5000) == 0);
    }
    server_u = ws_detach(s, 1000, NULL, 0, now() + 5000);
    assert(server_u >= 0);
}

int main(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int a = layer_attach(p[0], &closes), b = layer_attach(p[1], &closes);
    struct layer *la = layer_of(a), *lb = layer_of(b);
    int h = go(server(b));
    int c = ws_attach_client(a, WS_TEXT, "/layered", "user.layer", now() + 5000);
    assert(c >= 0);
    static char m[70000], r[70000];
    for(size_t i = 0; i < sizeof(m); i++) m[i] = (char)('a' + i % 26);
    size_t lens[] = {1, 125, 126, 70000};
    for(int i = 0; i < 4; i++) {
        assert(msend(c, m, lens[i], now() + 5000) == 0);
        assert(mrecv(c, r, sizeof(r), now() + 5000) == (ssize_t)lens[i]);
        assert(memcmp(r, m, lens[i]) == 0);
    }
    int u = ws_detach(c, 1000, "done", 4, now() + 5000);
    assert(u >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    /* The layers themselves came back, under new numbers. */
    assert(layer_of(u) == la && layer_of(server_u) == lb);
    /* Nothing was read ahead, either way. */
    assert(la->received == lb->sent);
    assert(lb->received == la->sent);
    assert(la->sent > 70000);
    char x[4];
    assert(bsend(u, "tail", 4, -1) == 0);
    assert(brecv(server_u, x, 4, -1) == 0 && memcmp(x, "tail", 4) == 0);
    assert(closes == 0);
    hclose(u);
    hclose(server_u);
    assert(closes == 2);

    /* hclose of the WebSocket closes the layer (and what is under it). */
    assert(ipc_pair(p) == 0);
    a = layer_attach(p[0], &closes);
    c = ws_attach_client(a, WS_NOHTTP, NULL, NULL, -1);
    assert(c >= 0);
    assert(hclose(c) == 0);
    assert(closes == 3);
    assert(brecv(p[1], x, 1, now() + 1000) == -1 && errno == EPIPE);
    hclose(p[1]);
    return 0;
}
