/* Lengths no buffer can have, and buffers reaching past the end of the
   program's memory: bsend, brecv, bsendl, brecvl, msend, mrecv fail at
   once, as the kernel answers natively: EINVAL for a length or a total of
   real buffers over SSIZE_MAX, EFAULT for memory that is not there (they
   used to hang: SIZE_MAX went to the socket layer as -1 and moved nothing,
   forever), and leave the socket usable; the POSIX read, write, send, recv
   and writev answer the same.  Skip items (NULL bases) are not buffers:
   their lengths are not limited.
   Depends on our build: SSIZE_MAX is 2^31 - 1 and memory ends at 4 GiB in
   wasm32.  Natively (64 bits) 2^31 bytes from a 16-byte array is EFAULT on
   a send and waits on a receive (the kernel faults only when bytes arrive),
   a receive past the end of memory waits too, UDP checks a datagram's size
   before its memory (EMSGSIZE), a failed bytestream call breaks the socket
   (ECONNRESET after), and upstream's skip of 2^31 bytes returns at once,
   having skipped only what had arrived (a bug). */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "libdill.h"

int main(void) {
    char b[16] = "hello";
    /* Inside memory, but not room for 2 GiB from there. */
    char *near_end = b + 8;
    int p[2];
    assert(ipc_pair(p) == 0);
    size_t huge[] = {SIZE_MAX, (size_t)1 << 31, SIZE_MAX - 8, 0x7fff0000};
    for(size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
        char *buf = i == 3 ? near_end : b;
        int err = i == 3 ? EFAULT : EINVAL;
        assert(bsend(p[0], buf, huge[i], now() + 1000) == -1 && errno == err);
        assert(brecv(p[1], buf, huge[i], now() + 1000) == -1 && errno == err);
        struct iolist one = {buf, huge[i], NULL, 0};
        assert(bsendl(p[0], &one, &one, now() + 1000) == -1 && errno == err);
        assert(brecvl(p[1], &one, &one, now() + 1000) == -1 && errno == err);
    }
    /* Lengths that are fine one by one but not together. */
    struct iolist second = {b, SIZE_MAX - 2, NULL, 0};
    struct iolist first = {b, 5, &second, 0};
    assert(bsendl(p[0], &first, &second, now() + 1000) == -1 && errno == EINVAL);
    struct iolist r2 = {b, SIZE_MAX - 2, NULL, 0};
    struct iolist r1 = {b, 5, &r2, 0};
    assert(brecvl(p[1], &r1, &r2, now() + 1000) == -1 && errno == EINVAL);
    /* The sockets still work: nothing was sent or taken. */
    assert(bsend(p[0], "hello", 5, now() + 1000) == 0);
    char got[5];
    assert(brecv(p[1], got, 5, now() + 1000) == 0 && memcmp(got, "hello", 5) == 0);
    /* Skip items of 2^30 + 2^30 bytes: a skip, waiting for them all. */
    struct iolist skip2 = {NULL, (size_t)1 << 30, NULL, 0};
    struct iolist skip1 = {NULL, (size_t)1 << 30, &skip2, 0};
    assert(bsend(p[0], "abc", 3, now() + 1000) == 0);
    assert(brecvl(p[1], &skip1, &skip2, now() + 50) == -1 && errno == ETIMEDOUT);
    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);

    /* Message sockets. */
    struct ipaddr local;
    assert(ipaddr_local(&local, "127.0.0.1", 0, 0) == 0);
    int u = udp_open(&local, &local);
    assert(u >= 0);
    assert(msend(u, b, SIZE_MAX, now() + 1000) == -1 && errno == EINVAL);
    assert(mrecv(u, b, SIZE_MAX, now() + 1000) == -1 && errno == EINVAL);
    assert(msend(u, near_end, 0x7fff0000, now() + 1000) == -1 && errno == EFAULT);
    assert(msend(u, "dgram", 5, now() + 1000) == 0);
    assert(mrecv(u, got, 5, now() + 1000) == 5 && memcmp(got, "dgram", 5) == 0);
    assert(hclose(u) == 0);

    /* The POSIX calls, as the kernel answers. */
    int sv[2];
    assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
    assert(write(sv[0], b, SIZE_MAX) == -1 && errno == EINVAL);
    assert(write(sv[0], b, (size_t)1 << 31) == -1 && errno == EINVAL);
    assert(write(sv[0], near_end, 0x7fff0000) == -1 && errno == EFAULT);
    assert(send(sv[0], b, SIZE_MAX, 0) == -1 && errno == EINVAL);
    struct iovec iov[2] = {{b, 5}, {b, SIZE_MAX - 2}};
    assert(writev(sv[0], iov, 2) == -1 && errno == EINVAL);
    assert(read(sv[1], b, SIZE_MAX) == -1 && errno == EINVAL);
    assert(read(sv[1], near_end, 0x7fff0000) == -1 && errno == EFAULT);
    assert(recv(sv[1], b, SIZE_MAX, 0) == -1 && errno == EINVAL);
    assert(write(sv[0], "posix", 5) == 5);
    assert(read(sv[1], got, 5) == 5 && memcmp(got, "posix", 5) == 0);
    assert(close(sv[0]) == 0 && close(sv[1]) == 0);
    return 0;
}
