/* recv(MSG_PEEK) on a stream socket: copies what has arrived without taking
   it; at the end of the stream it returns 0, and on a reset connection it
   fails with ECONNRESET as a plain read does (then the stream is over). */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    int p[2];
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, p) == 0);
    assert(write(p[0], "hello", 5) == 5);
    char buf[8];
    assert(recv(p[1], buf, 3, MSG_PEEK) == 3 && memcmp(buf, "hel", 3) == 0);
    assert(recv(p[1], buf, 8, MSG_PEEK) == 5);
    assert(read(p[1], buf, 8) == 5 && memcmp(buf, "hello", 5) == 0);
    assert(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
    assert(recv(p[1], buf, 8, MSG_PEEK) == -1 && errno == EAGAIN);
    assert(shutdown(p[0], SHUT_WR) == 0);
    assert(recv(p[1], buf, 8, MSG_PEEK) == 0);
    assert(close(p[0]) == 0 && close(p[1]) == 0);

    /* Closing with unread data resets the peer. */
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, p) == 0);
    assert(write(p[1], "unread", 6) == 6);
    assert(close(p[0]) == 0);
    assert(recv(p[1], buf, 8, MSG_PEEK) == -1 && errno == ECONNRESET);
    assert(recv(p[1], buf, 8, 0) == 0);
    assert(close(p[1]) == 0);
    return 0;
}
