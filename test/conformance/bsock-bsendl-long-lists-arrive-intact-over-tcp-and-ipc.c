/* bsendl of a long list (more items than one sendmsg takes, empty items,
   items larger than the kernel's buffers, so writes are partial and wait
   for room) delivers every byte in order, over TCP and over IPC; a small
   header and body sent as a two-item list make a request/response round
   trip over TCP without the delayed-acknowledgement stall (Nagle) that
   separate writes would meet. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libdill.h"

#define ITEMS 200

static size_t item_len(int i) {
    if(i % 17 == 0) return 0;
    if(i % 29 == 0) return 300000;
    return (size_t)(i * 7919) % 9000;
}

static uint8_t pattern(size_t pos) {return (uint8_t)(pos * 31 + (pos >> 11));}

coroutine static void sink(int s, size_t total) {
    uint8_t *buf = malloc(65536);
    size_t pos = 0;
    while(pos < total) {
        size_t n = total - pos < 65536 ? total - pos : 65536;
        assert(brecv(s, buf, n, now() + 10000) == 0);
        for(size_t k = 0; k < n; k++) assert(buf[k] == pattern(pos + k));
        pos += n;
    }
    free(buf);
    /* Two-item request (header + body) answered by a two-item response. */
    for(int r = 0; r < 20; r++) {
        char req[8];
        assert(brecv(s, req, 8, now() + 5000) == 0);
        assert(memcmp(req, "HDRbody", 7) == 0 && req[7] == 'a' + r);
        struct iolist body = {"answer", 6, NULL, 0};
        struct iolist head = {"A:", 2, &body, 0};
        assert(bsendl(s, &head, &body, now() + 5000) == 0);
    }
}

static void run(int a, int b) {
    static struct iolist iol[ITEMS];
    size_t total = 0;
    for(int i = 0; i < ITEMS; i++) total += item_len(i);
    uint8_t *data = malloc(total);
    for(size_t k = 0; k < total; k++) data[k] = pattern(k);
    size_t off = 0;
    for(int i = 0; i < ITEMS; i++) {
        iol[i].iol_base = data + off;
        iol[i].iol_len = item_len(i);
        iol[i].iol_next = i + 1 < ITEMS ? &iol[i + 1] : NULL;
        iol[i].iol_rsvd = 0;
        off += item_len(i);
    }
    int h = go(sink(b, total));
    assert(h >= 0);
    assert(bsendl(a, &iol[0], &iol[ITEMS - 1], now() + 10000) == 0);
    int64_t start = now();
    for(int r = 0; r < 20; r++) {
        char tail[2] = {'y', 'a' + r};
        struct iolist body = {"body", 4, NULL, 0};
        struct iolist head = {"HDR", 3, &body, 0};
        body.iol_next = &(struct iolist){tail + 1, 1, NULL, 0};
        assert(bsendl(a, &head, body.iol_next, now() + 5000) == 0);
        char resp[8];
        assert(brecv(a, resp, 8, now() + 5000) == 0);
        assert(memcmp(resp, "A:answer", 8) == 0);
    }
    /* 20 stalled round trips would take 20 x 40 ms or more. */
    assert(now() - start < 600);
    assert(bundle_wait(h, now() + 5000) == 0);
    assert(hclose(h) == 0);
    free(data);
}

int main(void) {
    struct ipaddr addr;
    assert(ipaddr_local(&addr, "127.0.0.1", 0, 0) == 0);
    int ls = tcp_listen(&addr, 10);
    assert(ls >= 0);
    struct ipaddr remote;
    assert(ipaddr_remote(&remote, "127.0.0.1", ipaddr_port(&addr), 0, -1) == 0);
    int c = tcp_connect(&remote, now() + 2000);
    assert(c >= 0);
    int s = tcp_accept(ls, NULL, now() + 2000);
    assert(s >= 0);
    run(c, s);
    assert(hclose(c) == 0 && hclose(s) == 0 && hclose(ls) == 0);

    char path[] = "/tmp/dill-bsendl-XXXXXX";
    int fd = mkstemp(path);
    assert(fd >= 0);
    close(fd);
    unlink(path);
    int il = ipc_listen(path, 10);
    assert(il >= 0);
    /* This program's own listener: an in-process pair. */
    int ic = ipc_connect(path, now() + 2000);
    assert(ic >= 0);
    int is = ipc_accept(il, now() + 2000);
    assert(is >= 0);
    run(ic, is);
    assert(hclose(ic) == 0 && hclose(is) == 0 && hclose(il) == 0);
    unlink(path);
    return 0;
}
