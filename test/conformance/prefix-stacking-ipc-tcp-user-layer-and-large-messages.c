/* PREFIX stacked on other sockets: on a user-written bytestream (hmake with
   a dill_bsock_vfs, libdillimpl.h) that counts the calls PREFIX makes: one
   bsendl per message, one brecvl for the header and one for the payload;
   on IPC (ipc_listen/ipc_connect) with small, 64 KiB and 4 MiB messages in
   both directions at once; on TCP, message sizes on both sides of the
   point where sends stop being copied into one buffer, ping-pong without
   stalls; prefix_detach on each (at once, a message not received yet
   left in the socket), then ipc_close/tcp_close.  prefix_attach under
   memory exhaustion: prefix-attach-without-memory-fails-with-enomem-and-
   closes-the-socket.c. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libdillimpl.h"

/* A pass-through bytestream that counts calls. */
struct counting {
    struct hvfs hvfs;
    struct bsock_vfs bvfs;
    int u;
    int sends, recvs;
};
static void *counting_query(struct hvfs *vfs, const void *type) {
    struct counting *self = (struct counting*)vfs;
    if(type == bsock_type) return &self->bvfs;
    errno = ENOTSUP;
    return NULL;
}
static void counting_close(struct hvfs *vfs) {
    struct counting *self = (struct counting*)vfs;
    hclose(self->u);
}
static int counting_bsendl(struct bsock_vfs *vfs, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    struct counting *self = (struct counting*)((char*)vfs - offsetof(struct counting, bvfs));
    self->sends++;
    return bsendl(self->u, first, last, deadline);
}
static int counting_brecvl(struct bsock_vfs *vfs, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    struct counting *self = (struct counting*)((char*)vfs - offsetof(struct counting, bvfs));
    self->recvs++;
    return brecvl(self->u, first, last, deadline);
}

static char pattern(size_t i, int seed) { return (char)(i * 31 + seed); }

static int check(const char *b, size_t n, int seed) {
    for(size_t i = 0; i < n; i++) if(b[i] != pattern(i, seed)) return 0;
    return 1;
}

static int sender_rc[2];
coroutine static void sender(int s, size_t size, int count, int seed) {
    char *b = malloc(size);
    for(size_t i = 0; i < size; i++) b[i] = pattern(i, seed);
    sender_rc[seed] = 0;
    for(int k = 0; k < count; k++) if(msend(s, b, size, -1) < 0) sender_rc[seed] = -1;
    free(b);
}

/* count messages of `size` each way between a and b, both ways at once. */
static void exchange(int a, int b, size_t size, int count) {
    int ca = go(sender(a, size, count, 0));
    int cb = go(sender(b, size, count, 1));
    char *buf = malloc(size + 1);
    for(int k = 0; k < count; k++) {
        assert(mrecv(b, buf, size + 1, now() + 10000) == (ssize_t)size);
        assert(check(buf, size, 0));
    }
    for(int k = 0; k < count; k++) {
        assert(mrecv(a, buf, size, now() + 10000) == (ssize_t)size);
        assert(check(buf, size, 1));
    }
    assert(bundle_wait(ca, now() + 10000) == 0 && sender_rc[0] == 0 && hclose(ca) == 0);
    assert(bundle_wait(cb, now() + 10000) == 0 && sender_rc[1] == 0 && hclose(cb) == 0);
    free(buf);
}

/* Both sockets come back at once, nothing sent or read. */
static void detach_both(int *a, int *b) {
    *a = prefix_detach(*a);
    *b = prefix_detach(*b);
    assert(*a >= 0 && *b >= 0);
}

int main(void) {
    /* The user-written layer. */
    int p[2];
    assert(ipc_pair(p) == 0);
    static struct counting cnt;
    cnt.hvfs.query = counting_query;
    cnt.hvfs.close = counting_close;
    cnt.bvfs.bsendl = counting_bsendl;
    cnt.bvfs.brecvl = counting_brecvl;
    cnt.u = p[0];
    int c = hmake(&cnt.hvfs);
    assert(c >= 0);
    int s = prefix_attach(c, 4, PREFIX_BIG_ENDIAN);
    int t = prefix_attach(p[1], 4, PREFIX_BIG_ENDIAN);
    assert(s >= 0 && t >= 0);
    char msg[64], buf[70000];
    memset(msg, 'm', sizeof(msg));
    for(int k = 0; k < 10; k++) assert(msend(s, msg, 64, -1) == 0);
    assert(cnt.sends == 10);   /* header and payload in one call */
    static char big[65536];
    assert(msend(s, big, sizeof(big), -1) == 0);
    assert(cnt.sends == 11);
    for(int k = 0; k < 10; k++) assert(mrecv(t, buf, sizeof(buf), -1) == 64);
    assert(mrecv(t, buf, sizeof(buf), -1) == 65536);
    for(int k = 0; k < 10; k++) assert(msend(t, msg, k, -1) == 0);
    for(int k = 0; k < 10; k++) assert(mrecv(s, buf, sizeof(buf), -1) == k);
    assert(cnt.recvs == 20);   /* header + payload, even an empty one */
    assert(hclose(s) == 0 && hclose(t) == 0);

    /* IPC. */
    char path[64];
    snprintf(path, sizeof(path), "/tmp/dill-prefix-test-%d.sock", (int)getpid());
    unlink(path);
    int ls = ipc_listen(path, 10);
    assert(ls >= 0);
    int a = ipc_connect(path, now() + 5000);
    int b = ipc_accept(ls, now() + 5000);
    assert(a >= 0 && b >= 0);
    a = prefix_attach(a, 4, PREFIX_BIG_ENDIAN);
    b = prefix_attach(b, 4, PREFIX_BIG_ENDIAN);
    assert(a >= 0 && b >= 0);
    exchange(a, b, 64, 1000);
    exchange(a, b, 65536, 64);
    exchange(a, b, 4 << 20, 2);
    assert(msend(a, "left over", 9, -1) == 0);   /* not received */
    detach_both(&a, &b);
    assert(bsend(a, "raw", 3, -1) == 0 && ipc_done(a, -1) == 0);
    assert(brecv(b, buf, 16, now() + 1000) == 0);
    assert(memcmp(buf, "\x00\x00\x00\x09" "left over" "raw", 16) == 0);
    assert(ipc_close(b, now() + 1000) == 0);
    assert(ipc_close(a, now() + 1000) == 0);
    assert(hclose(ls) == 0);
    unlink(path);

    /* TCP, both sides of the copying limit, and one message per round trip:
       a stalled write would cost tens of ms each. */
    struct ipaddr addr;
    assert(ipaddr_local(&addr, "127.0.0.1", 0, 0) == 0);
    ls = tcp_listen(&addr, 10);
    assert(ls >= 0);
    a = tcp_connect(&addr, now() + 5000);
    b = tcp_accept(ls, NULL, now() + 5000);
    assert(a >= 0 && b >= 0);
    struct prefix_storage mem;
    a = prefix_attach_mem(a, 8, PREFIX_LITTLE_ENDIAN, &mem);
    b = prefix_attach(b, 8, PREFIX_LITTLE_ENDIAN);
    assert(a >= 0 && b >= 0);
    size_t sizes[] = {0, 1, 503, 504, 505, 2000, 65536};
    int64_t start = now();
    for(int k = 0; k < 7; k++) {
        for(int r = 0; r < 10; r++) {
            assert(msend(a, big, sizes[k], -1) == 0);
            assert(mrecv(b, buf, sizeof(buf), now() + 5000) == (ssize_t)sizes[k]);
            assert(msend(b, big, sizes[k], -1) == 0);
            assert(mrecv(a, buf, sizeof(buf), now() + 5000) == (ssize_t)sizes[k]);
        }
    }
    int64_t took = now() - start;
    if(took > 2000) fprintf(stderr, "140 round trips over TCP took %d ms\n", (int)took);
    exchange(a, b, 100000, 20);
    detach_both(&a, &b);
    assert(tcp_done(a, -1) == 0);
    assert(brecv(b, buf, 1, now() + 5000) == -1 && errno == EPIPE);
    assert(tcp_close(b, now() + 5000) == 0);
    assert(tcp_close(a, now() + 5000) == 0);
    assert(hclose(ls) == 0);

    return 0;
}
