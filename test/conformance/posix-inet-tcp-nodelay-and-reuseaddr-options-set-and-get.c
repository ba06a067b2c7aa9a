/* Socket options on TCP and UDP sockets: SO_REUSEADDR and TCP_NODELAY
   read back what was set (0 by default), an accepted socket inherits
   TCP_NODELAY from its listener, IPV6_V6ONLY is taken on an AF_INET6
   socket before bind (EINVAL after), TCP_NODELAY on a UDP socket gives
   ENOPROTOOPT, an unknown option ENOPROTOOPT, and a short option length
   EINVAL. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static int get(int fd, int level, int name) {
    int v = -1;
    socklen_t len = sizeof(v);
    assert(getsockopt(fd, level, name, &v, &len) == 0);
    assert(len == sizeof(int));
    return v;
}

static void set(int fd, int level, int name, int v) {
    assert(setsockopt(fd, level, name, &v, sizeof(v)) == 0);
}

int main(void) {
    int l = socket(AF_INET, SOCK_STREAM, 0);
    assert(get(l, SOL_SOCKET, SO_REUSEADDR) == 0);
    assert(get(l, IPPROTO_TCP, TCP_NODELAY) == 0);
    set(l, SOL_SOCKET, SO_REUSEADDR, 1);
    set(l, IPPROTO_TCP, TCP_NODELAY, 1);
    assert(get(l, SOL_SOCKET, SO_REUSEADDR) != 0);
    assert(get(l, IPPROTO_TCP, TCP_NODELAY) != 0);
    int one = 1;
    assert(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, 2) == -1 && errno == EINVAL);
    assert(setsockopt(l, SOL_SOCKET, 12345, &one, sizeof(one)) == -1 && errno == ENOPROTOOPT);

    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0);
    socklen_t alen = sizeof(a);
    assert(getsockname(l, (struct sockaddr *)&a, &alen) == 0);
    assert(listen(l, 4) == 0);

    int c = socket(AF_INET, SOCK_STREAM, 0);
    set(c, IPPROTO_TCP, TCP_NODELAY, 1);
    assert(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0);
    assert(get(c, IPPROTO_TCP, TCP_NODELAY) != 0);
    set(c, IPPROTO_TCP, TCP_NODELAY, 0);
    assert(get(c, IPPROTO_TCP, TCP_NODELAY) == 0);
    int s = accept(l, NULL, NULL);
    assert(s >= 0);
    assert(get(s, IPPROTO_TCP, TCP_NODELAY) != 0);
    assert(write(c, "ok", 2) == 2);
    char buf[2];
    assert(read(s, buf, 2) == 2 && memcmp(buf, "ok", 2) == 0);
    close(s);
    close(c);
    close(l);

    /* IPV6_V6ONLY before bind only */
    int six = socket(AF_INET6, SOCK_STREAM, 0);
    assert(get(six, IPPROTO_IPV6, IPV6_V6ONLY) == 0);
    set(six, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    assert(get(six, IPPROTO_IPV6, IPV6_V6ONLY) != 0);
    struct sockaddr_in6 a6;
    memset(&a6, 0, sizeof(a6));
    a6.sin6_family = AF_INET6;
    a6.sin6_addr = in6addr_loopback;
    assert(bind(six, (struct sockaddr *)&a6, sizeof(a6)) == 0);
    assert(setsockopt(six, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) == -1 && errno == EINVAL);
    close(six);

    /* UDP */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    set(u, SOL_SOCKET, SO_REUSEADDR, 1);
    assert(get(u, SOL_SOCKET, SO_REUSEADDR) != 0);
    assert(setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1 && errno == ENOPROTOOPT);
    close(u);
    return 0;
}
