/*
 * dillwasm_brecvsome, the libdill-wasm extension that receives what has
 * arrived (libdill.h): every errno it documents, on IPC and TCP, with the
 * receive side still usable after a wait that timed out or was canceled.
 * Not a conformance program: upstream libdill has no such function.
 * Exits 0, or prints the failed check and exits 1.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdill.h>

#ifndef DILLWASM_EXTENSIONS
#error DILLWASM_EXTENSIONS is not defined
#endif

#define CHECK(x) do { if(!(x)) { \
    printf("line %d: %s (errno %d %s)\n", __LINE__, #x, errno, strerror(errno)); \
    exit(1); } } while(0)

coroutine static void sender(int s, const char *text, int delay) {
    msleep(now() + delay);
    bsend(s, text, strlen(text), -1);
}

coroutine static void blocked_brecv(int s) {
    char c;
    brecv(s, &c, 1, -1);
}

/* What the canceled receive of blocked_some gave (a canceled coroutine
   cannot send it on a channel). */
static int some_errno = -1;

coroutine static void blocked_some(int s) {
    char buf[8];
    ssize_t n = dillwasm_brecvsome(s, buf, sizeof(buf), -1);
    some_errno = n < 0 ? errno : 0;
}

/* The checks on one connected pair (a, b). */
static void pair_checks(int a, int b) {
    char buf[64];
    /* What has arrived, not what was asked for. */
    CHECK(bsend(a, "hello", 5, -1) == 0);
    ssize_t n = dillwasm_brecvsome(b, buf, sizeof(buf), now() + 1000);
    CHECK(n == 5 && memcmp(buf, "hello", 5) == 0);
    /* At most len: the rest stays for the next receive. */
    CHECK(bsend(a, "abcdef", 6, -1) == 0);
    msleep(now() + 20);
    CHECK(dillwasm_brecvsome(b, buf, 4, -1) == 4 && memcmp(buf, "abcd", 4) == 0);
    CHECK(brecv(b, buf, 2, -1) == 0 && memcmp(buf, "ef", 2) == 0);
    /* Waits for the first byte. */
    int h = go(sender(a, "late", 30));
    CHECK(h >= 0);
    int64_t start = now();
    n = dillwasm_brecvsome(b, buf, sizeof(buf), now() + 2000);
    CHECK(n == 4 && memcmp(buf, "late", 4) == 0 && now() - start >= 20);
    CHECK(hclose(h) == 0);
    /* len 0: nothing, at once. */
    CHECK(dillwasm_brecvsome(b, buf, 0, -1) == 0);
    /* ETIMEDOUT consumes nothing: receiving still works (brecv's breaks it). */
    start = now();
    errno = 0;
    CHECK(dillwasm_brecvsome(b, buf, sizeof(buf), now() + 30) == -1 && errno == ETIMEDOUT);
    CHECK(now() - start >= 25);
    CHECK(dillwasm_brecvsome(b, buf, sizeof(buf), 0) == -1 && errno == ETIMEDOUT);
    CHECK(bsend(a, "again", 5, -1) == 0);
    CHECK(dillwasm_brecvsome(b, buf, sizeof(buf), now() + 1000) == 5 && memcmp(buf, "again", 5) == 0);
    /* ECANCELED (its coroutine closed): still usable too. */
    some_errno = -1;
    h = go(blocked_some(b));
    CHECK(h >= 0);
    msleep(now() + 10);
    CHECK(hclose(h) == 0);
    CHECK(some_errno == ECANCELED);
    CHECK(bsend(a, "x", 1, -1) == 0);
    CHECK(dillwasm_brecvsome(b, buf, sizeof(buf), now() + 1000) == 1 && buf[0] == 'x');
}

static void epipe_checks(int a, int b, int (*done)(int, int64_t)) {
    char buf[64];
    CHECK(bsend(a, "tail", 4, -1) == 0);
    CHECK(done(a, -1) == 0);
    CHECK(dillwasm_brecvsome(b, buf, sizeof(buf), now() + 1000) == 4 && memcmp(buf, "tail", 4) == 0);
    CHECK(dillwasm_brecvsome(b, buf, sizeof(buf), now() + 1000) == -1 && errno == EPIPE);
    CHECK(dillwasm_brecvsome(b, buf, sizeof(buf), now() + 1000) == -1 && errno == EPIPE);
}

int main(void) {
    char buf[16];
    /* Bad handles and buffers. */
    CHECK(dillwasm_brecvsome(-1, buf, sizeof(buf), -1) == -1 && errno == EBADF);
    CHECK(dillwasm_brecvsome(12345, buf, sizeof(buf), -1) == -1 && errno == EBADF);
    int ch[2];
    CHECK(chmake(ch) == 0);
    CHECK(dillwasm_brecvsome(ch[0], buf, sizeof(buf), -1) == -1 && errno == ENOTSUP);
    CHECK(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    int p[2];
    CHECK(ipc_pair(p) == 0);
    CHECK(dillwasm_brecvsome(p[1], NULL, 10, -1) == -1 && errno == EFAULT);
    CHECK(dillwasm_brecvsome(p[1], buf, (size_t)SIZE_MAX, -1) == -1 && errno == EINVAL);
    CHECK(dillwasm_brecvsome(p[1], (void*)(uintptr_t)0xfffffff0u, 64, -1) == -1 && errno == EFAULT);
    /* A closed handle. */
    int q[2];
    CHECK(ipc_pair(q) == 0);
    CHECK(hclose(q[1]) == 0);
    CHECK(dillwasm_brecvsome(q[1], buf, sizeof(buf), -1) == -1 && errno == EBADF);
    CHECK(hclose(q[0]) == 0);
    /* ECONNRESET: the peer closed with bytes we sent unread; receiving
       stays broken. */
    int r[2];
    CHECK(ipc_pair(r) == 0);
    CHECK(bsend(r[0], "unread", 6, -1) == 0);
    msleep(now() + 10);
    CHECK(hclose(r[1]) == 0);
    CHECK(dillwasm_brecvsome(r[0], buf, sizeof(buf), now() + 1000) == -1 && errno == ECONNRESET);
    CHECK(dillwasm_brecvsome(r[0], buf, sizeof(buf), now() + 1000) == -1 && errno == ECONNRESET);
    CHECK(hclose(r[0]) == 0);

    /* EBUSY while another coroutine receives (canceling that brecv breaks
       receiving, as libdill's does: a pair of its own). */
    int u[2];
    CHECK(ipc_pair(u) == 0);
    int h = go(blocked_brecv(u[1]));
    CHECK(h >= 0);
    yield();
    CHECK(dillwasm_brecvsome(u[1], buf, sizeof(buf), -1) == -1 && errno == EBUSY);
    CHECK(hclose(h) == 0);
    CHECK(hclose(u[0]) == 0 && hclose(u[1]) == 0);

    /* IPC. */
    pair_checks(p[0], p[1]);
    epipe_checks(p[0], p[1], ipc_done);
    CHECK(hclose(p[0]) == 0 && hclose(p[1]) == 0);

    /* TCP on loopback. */
    struct ipaddr addr, remote;
    CHECK(ipaddr_local(&addr, "127.0.0.1", 0, 0) == 0);
    int ls = tcp_listen(&addr, 10);
    CHECK(ls >= 0);
    CHECK(ipaddr_remote(&remote, "127.0.0.1", ipaddr_port(&addr), 0, -1) == 0);
    int c = tcp_connect(&remote, now() + 2000);
    CHECK(c >= 0);
    int s = tcp_accept(ls, NULL, now() + 2000);
    CHECK(s >= 0);
    pair_checks(c, s);
    epipe_checks(c, s, tcp_done);
    CHECK(hclose(c) == 0 && hclose(s) == 0 && hclose(ls) == 0);
    printf("ok\n");
    return 0;
}
