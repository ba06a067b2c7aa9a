/* The _mem variants place TCP objects in the caller's storage, and the
   _fromfd variants wrap descriptors made with the POSIX API; both behave
   like the plain functions. */
#include <assert.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>
#include "libdill.h"

int main(void) {
    struct tcp_listener_storage lmem;
    struct tcp_storage cmem, smem;
    struct ipaddr addr;
    assert(ipaddr_local(&addr, "127.0.0.1", 0, 0) == 0);
    int ls = tcp_listen_mem(&addr, 10, &lmem);
    assert(ls >= 0 && ipaddr_port(&addr) > 0);
    int c = tcp_connect_mem(&addr, &cmem, now() + 2000);
    assert(c >= 0);
    struct ipaddr peer;
    int s = tcp_accept_mem(ls, &peer, &smem, now() + 2000);
    assert(s >= 0);
    char buf[IPADDR_MAXSTRLEN];
    assert(strcmp(ipaddr_str(&peer, buf), "127.0.0.1") == 0);
    assert(bsend(c, "mem", 3, -1) == 0);
    char got[3];
    assert(brecv(s, got, 3, now() + 2000) == 0 && memcmp(got, "mem", 3) == 0);
    assert(tcp_done(c, -1) == 0);
    assert(tcp_close(s, now() + 2000) == 0);
    assert(tcp_close(c, now() + 2000) == 0);
    assert(hclose(ls) == 0);

    /* fromfd: a listener and a connection made with the POSIX API. */
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert(lfd >= 0);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert(bind(lfd, (struct sockaddr*)&sin, sizeof(sin)) == 0);
    assert(listen(lfd, 10) == 0);
    socklen_t len = sizeof(sin);
    assert(getsockname(lfd, (struct sockaddr*)&sin, &len) == 0);
    ls = tcp_listener_fromfd(lfd);
    assert(ls >= 0);
    int cfd = socket(AF_INET, SOCK_STREAM, 0);
    assert(cfd >= 0);
    assert(connect(cfd, (struct sockaddr*)&sin, sizeof(sin)) == 0);
    c = tcp_fromfd_mem(cfd, &cmem);
    assert(c >= 0);
    s = tcp_accept(ls, NULL, now() + 2000);
    assert(s >= 0);
    assert(bsend(s, "fd", 2, -1) == 0);
    assert(brecv(c, got, 2, now() + 2000) == 0 && memcmp(got, "fd", 2) == 0);
    assert(hclose(c) == 0 && hclose(s) == 0 && hclose(ls) == 0);
    /* The handles owned the descriptors. */
    assert(close(cfd) == -1 && errno == EBADF);
    assert(close(lfd) == -1 && errno == EBADF);

    /* A socket that does not listen is no listener (it stays the
       caller's). */
    struct tcp_listener_storage lmem2;
    int lfd2 = socket(AF_INET6, SOCK_STREAM, 0);
    assert(lfd2 >= 0);
    assert(tcp_listener_fromfd_mem(lfd2, &lmem2) == -1 && errno == EINVAL);
    assert(close(lfd2) == 0);
    assert(tcp_fromfd(-1) == -1 && errno == EINVAL);
    assert(tcp_fromfd(12345) == -1 && errno == EBADF);
    return 0;
}
