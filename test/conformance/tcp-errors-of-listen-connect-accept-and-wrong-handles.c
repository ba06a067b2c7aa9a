/* TCP errors: EADDRINUSE listening twice on a port, EADDRNOTAVAIL for an
   address not on this machine, ECONNREFUSED connecting to a closed port,
   EAFNOSUPPORT for an address of no IP family (a zeroed struct ipaddr, as
   upstream has it from socket(); NULL: see
   ipc-and-tcp-calls-given-null-give-einval-instead-of-crashing.c),
   ETIMEDOUT from tcp_accept,
   ECANCELED in a cancelled coroutine, EBADF for a bad handle, ENOTSUP for
   the wrong kind of handle (msend on TCP, tcp_done on a listener or an IPC
   socket, tcp_accept on a connection). */
#include <assert.h>
#include <string.h>
#include "libdill.h"

static int result = 0, err = 0;

coroutine static void acceptor(int ls) {
    result = tcp_accept(ls, NULL, -1);
    err = errno;
}

int main(void) {
    struct ipaddr addr;
    assert(ipaddr_local(&addr, "127.0.0.1", 0, 0) == 0);
    int ls = tcp_listen(&addr, 10);
    assert(ls >= 0);
    /* The same port again. */
    assert(tcp_listen(&addr, 10) == -1 && errno == EADDRINUSE);
    struct ipaddr far;
    assert(ipaddr_local(&far, "192.0.2.1", 0, 0) == 0);   /* TEST-NET-1 */
    assert(tcp_listen(&far, 10) == -1 && errno == EADDRNOTAVAIL);
    struct tcp_listener_storage lmem;
    assert(tcp_listen_mem(&far, 10, &lmem) == -1 && errno == EADDRNOTAVAIL);
    assert(tcp_listen_mem(&addr, 10, &lmem) == -1 && errno == EADDRINUSE);

    assert(tcp_accept(ls, NULL, now() + 50) == -1 && errno == ETIMEDOUT);
    assert(tcp_accept(ls, NULL, 0) == -1 && errno == ETIMEDOUT);
    int h = go(acceptor(ls));
    assert(hclose(h) == 0);
    assert(result == -1 && err == ECANCELED);

    /* A port nobody listens on: take one, then close it. */
    struct ipaddr gone;
    assert(ipaddr_local(&gone, "127.0.0.1", 0, 0) == 0);
    int tmp = tcp_listen(&gone, 1);
    assert(tmp >= 0);
    assert(hclose(tmp) == 0);
    assert(tcp_connect(&gone, now() + 2000) == -1 && errno == ECONNREFUSED);
    struct ipaddr gone6;
    assert(ipaddr_local(&gone6, "::1", ipaddr_port(&gone), 0) == 0);
    assert(tcp_connect(&gone6, now() + 2000) == -1 && errno == ECONNREFUSED);

    struct ipaddr junk;
    memset(&junk, 0, sizeof(junk));
    assert(tcp_connect(&junk, -1) == -1 && errno == EAFNOSUPPORT);
    assert(tcp_listen(&junk, 1) == -1 && errno == EAFNOSUPPORT);

    /* Wrong handles. */
    assert(tcp_accept(12345, NULL, -1) == -1 && errno == EBADF);
    assert(tcp_done(12345, -1) == -1 && errno == EBADF);
    assert(tcp_close(12345, -1) == -1 && errno == EBADF);
    assert(tcp_done(ls, -1) == -1 && errno == ENOTSUP);
    int c = tcp_connect(&addr, now() + 2000);
    assert(c >= 0);
    int s = tcp_accept(ls, NULL, now() + 2000);
    assert(s >= 0);
    assert(tcp_accept(c, NULL, 0) == -1 && errno == ENOTSUP);
    assert(msend(c, "x", 1, -1) == -1 && errno == ENOTSUP);
    char b;
    assert(mrecv(c, &b, 1, -1) == -1 && errno == ENOTSUP);
    int p[2];
    assert(ipc_pair(p) == 0);
    assert(tcp_done(p[0], -1) == -1 && errno == ENOTSUP);
    assert(tcp_close(p[0], -1) == -1 && errno == ENOTSUP);
    assert(ipc_done(c, -1) == -1 && errno == ENOTSUP);
    int ch[2];
    assert(chmake(ch) == 0);
    assert(tcp_close(ch[0], -1) == -1 && errno == ENOTSUP);
    assert(bsend(ch[0], "x", 1, -1) == -1 && errno == ENOTSUP);

    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    assert(hclose(c) == 0 && hclose(s) == 0 && hclose(ls) == 0);
    return 0;
}
