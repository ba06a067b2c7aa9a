/* POSIX layer: socketpair, pipe, O_NONBLOCK/EAGAIN, fdin, shutdown half-close,
   reset on close with unread data, poll with a timeout. */
#include <stdio.h>
#include <string.h>
#include <assert.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <libdill.h>

coroutine void reader(int fd, int *got) {
    char buf[100];
    assert(fdin(fd, -1) == 0);
    ssize_t n = read(fd, buf, sizeof(buf));
    *got = (int)n;
}

int main(void) {
    /* Raw writes to a shut-down socket below would raise SIGPIPE natively. */
    signal(SIGPIPE, SIG_IGN);
    int sv[2];
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    assert(write(sv[0], "hello", 5) == 5);
    char buf[16];
    assert(read(sv[1], buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0);
    /* nonblocking read with nothing: EAGAIN */
    assert(fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) | O_NONBLOCK) == 0);
    assert(read(sv[1], buf, sizeof(buf)) == -1 && errno == EAGAIN);
    /* fdin wakes a coroutine (got is static: upstream's go() evaluates the
       arguments on the new coroutine's stack, where &local would point) */
    static int got = 0;
    int h = go(reader(sv[1], &got));
    assert(got == 0);
    assert(send(sv[0], "abc", 3, 0) == 3);
    assert(msleep(now() + 5) == 0);
    assert(got == 3);
    hclose(h);
    /* fdin: EBADF, EBUSY, ETIMEDOUT */
    assert(fdin(1000, 0) == -1 && errno == EBADF);
    assert(fdin(sv[1], 0) == -1 && errno == ETIMEDOUT);
    /* half close: peer reads data then EOF */
    assert(write(sv[0], "xy", 2) == 2);
    assert(shutdown(sv[0], SHUT_WR) == 0);
    assert(read(sv[1], buf, sizeof(buf)) == 2);
    assert(read(sv[1], buf, sizeof(buf)) == 0);
    assert(write(sv[0], "z", 1) == -1 && errno == EPIPE);
    /* the other direction still works */
    assert(write(sv[1], "back", 4) == 4);
    assert(read(sv[0], buf, sizeof(buf)) == 4);
    /* close with unread data: peer gets ECONNRESET */
    int p2[2];
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, p2) == 0);
    assert(write(p2[0], "unread", 6) == 6);
    assert(close(p2[1]) == 0);
    assert(read(p2[0], buf, sizeof(buf)) == -1 && errno == ECONNRESET);
    /* pipe */
    int pp[2];
    assert(pipe(pp) == 0);
    assert(write(pp[1], "pipe", 4) == 4);
    struct pollfd pf = {pp[0], POLLIN, 0};
    assert(poll(&pf, 1, 0) == 1 && (pf.revents & POLLIN));
    assert(read(pp[0], buf, 10) == 4);
    assert(close(pp[1]) == 0);
    assert(read(pp[0], buf, 10) == 0);
    /* blocking read blocks the whole program until data: writer is a timer-less coroutine? use poll timeout */
    pf.fd = sv[0]; pf.events = POLLIN;
    int64_t t0 = now();
    assert(poll(&pf, 1, 50) == 0);
    assert(now() - t0 >= 45);

    return 0;
}
