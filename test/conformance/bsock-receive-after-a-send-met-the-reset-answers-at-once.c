/* A send that meets the reset of a peer that closed with unread data fails
   with ECONNRESET; a receive after it answers at once, as natively (it used
   to wait for input forever, spinning): on an IPC connection (AF_UNIX) the
   reset is still to be reported, ECONNRESET; on TCP the send reported it
   and the connection is closed, so the receive meets the end of the stream,
   EPIPE.  The same at the POSIX level: AF_UNIX write gives EPIPE, then read
   ECONNRESET, then 0; TCP write ECONNRESET, then read 0. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "libdill.h"

/* Sends until the reset shows (TCP may take a write or two). */
static void send_until_reset(int s) {
    for(int i = 0; i < 100; i++) {
        int rc = bsend(s, "more", 4, now() + 1000);
        if(rc < 0) {assert(errno == ECONNRESET); return;}
        msleep(now() + 5);
    }
    assert(!"no reset");
}

int main(void) {
    char buf[8];

    /* ipc_pair. */
    int p[2];
    assert(ipc_pair(p) == 0);
    assert(bsend(p[1], "unread", 6, -1) == 0);
    assert(hclose(p[0]) == 0);
    send_until_reset(p[1]);
    int64_t t0 = now();
    assert(brecv(p[1], buf, 1, now() + 2000) == -1 && errno == ECONNRESET);
    assert(now() - t0 < 1000);
    assert(hclose(p[1]) == 0);

    /* ipc_listen/ipc_connect in one program. */
    char path[] = "/tmp/dill-reset-XXXXXX";
    int fd = mkstemp(path);
    assert(fd >= 0);
    close(fd);
    unlink(path);
    int ls = ipc_listen(path, 10);
    assert(ls >= 0);
    int c = ipc_connect(path, now() + 2000);
    assert(c >= 0);
    int s = ipc_accept(ls, now() + 2000);
    assert(s >= 0);
    assert(bsend(c, "unread", 6, -1) == 0);
    assert(hclose(s) == 0);
    send_until_reset(c);
    t0 = now();
    assert(brecv(c, buf, 1, now() + 2000) == -1 && errno == ECONNRESET);
    assert(now() - t0 < 1000);
    assert(hclose(c) == 0);
    assert(hclose(ls) == 0);
    unlink(path);

    /* TCP over loopback. */
    struct ipaddr a;
    assert(ipaddr_local(&a, "127.0.0.1", 0, 0) == 0);
    ls = tcp_listen(&a, 10);
    assert(ls >= 0);
    c = tcp_connect(&a, now() + 2000);
    assert(c >= 0);
    s = tcp_accept(ls, NULL, now() + 2000);
    assert(s >= 0);
    assert(bsend(c, "unread", 6, -1) == 0);
    msleep(now() + 50);
    assert(hclose(s) == 0);
    msleep(now() + 50);
    send_until_reset(c);
    t0 = now();
    assert(brecv(c, buf, 1, now() + 2000) == -1 && errno == EPIPE);
    assert(now() - t0 < 1000);
    assert(hclose(c) == 0);
    assert(hclose(ls) == 0);

    /* POSIX: AF_UNIX. */
    int sv[2];
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    assert(write(sv[1], "unread", 6) == 6);
    assert(close(sv[0]) == 0);
    assert(write(sv[1], "x", 1) == -1 && errno == EPIPE);
    assert(read(sv[1], buf, 1) == -1 && errno == ECONNRESET);
    assert(read(sv[1], buf, 1) == 0);
    assert(close(sv[1]) == 0);

    /* POSIX: TCP. */
    int l = socket(AF_INET, SOCK_STREAM, 0);
    assert(l >= 0);
    assert(ipaddr_local(&a, "127.0.0.1", 0, 0) == 0);
    assert(bind(l, ipaddr_sockaddr(&a), ipaddr_len(&a)) == 0);
    assert(listen(l, 10) == 0);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    assert(getsockname(l, (struct sockaddr*)&ss, &sl) == 0);
    int cl = socket(AF_INET, SOCK_STREAM, 0);
    assert(cl >= 0);
    assert(connect(cl, (struct sockaddr*)&ss, sl) == 0);
    int sr = accept(l, NULL, NULL);
    assert(sr >= 0);
    assert(write(cl, "unread", 6) == 6);
    msleep(now() + 50);
    assert(close(sr) == 0);
    msleep(now() + 50);
    int rc = 0;
    for(int i = 0; i < 100 && rc >= 0; i++) {
        rc = write(cl, "x", 1);
        if(rc >= 0) msleep(now() + 5);
    }
    assert(rc == -1 && errno == ECONNRESET);
    assert(read(cl, buf, 1) == 0);
    assert(close(cl) == 0);
    assert(close(l) == 0);
    return 0;
}
