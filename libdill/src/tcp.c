/*
 * TCP: bytestream sockets over AF_INET/AF_INET6.  Sending, receiving,
 * half-close and the termination handshake are those of every stream socket
 * (fdsock.c); here are IP addresses and the listener's options.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "../include/libdillimpl.h"
#include "fdsock.h"
#include "handle.h"
#include "ipaddr.h"
#include "utils.h"

static const int dill__tcp_type_placeholder = 0;
static const void *dill__tcp_type = &dill__tcp_type_placeholder;
static const int dill__tcp_listener_type_placeholder = 0;
static const void *dill__tcp_listener_type = &dill__tcp_listener_type_placeholder;

DILL__STATIC_ASSERT(sizeof(struct dill__fdsock) <= sizeof(struct dill_tcp_storage),
    "tcp_storage too small");
DILL__STATIC_ASSERT(sizeof(struct dill__fdlistener) <=
    sizeof(struct dill_tcp_listener_storage), "tcp_listener_storage too small");

/* A listener can be restarted on its port while old connections linger. */
static int dill__tcp_tune_listener(int fd) {
    int one = 1;
    return setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
}

/* NULL is EINVAL (upstream crashes); an address of no IP family (a zeroed
   struct ipaddr) is EAFNOSUPPORT, as upstream has it from socket(). */
static int dill__tcp_addr_check(const struct dill_ipaddr *addr) {
    if(dill__slow(!addr)) {errno = EINVAL; return -1;}
    if(dill__slow(!dill__ipaddr_valid(addr))) {errno = EAFNOSUPPORT; return -1;}
    return 0;
}

int dill_tcp_listen_mem(struct dill_ipaddr *addr, int backlog,
      struct dill_tcp_listener_storage *mem) {
    if(dill__slow(dill__tcp_addr_check(addr) < 0)) return -1;
    int h = dill__fdlistener_listen(dill_ipaddr_family(addr),
        dill_ipaddr_sockaddr(addr), dill_ipaddr_len(addr), backlog,
        dill__tcp_tune_listener, (struct dill__fdlistener*)mem,
        dill__tcp_listener_type);
    if(h < 0 || dill_ipaddr_port(addr) != 0) return h;
    /* Port 0: tell the caller which port the system chose. */
    struct dill__fdlistener *l = dill__hquery(h, dill__tcp_listener_type);
    struct dill_ipaddr bound;
    socklen_t len = sizeof(bound);
    if(getsockname(l->fd, (struct sockaddr*)&bound, &len) == 0)
        dill_ipaddr_setport(addr, dill_ipaddr_port(&bound));
    return h;
}

int dill_tcp_listen(struct dill_ipaddr *addr, int backlog) {
    return dill_tcp_listen_mem(addr, backlog, NULL);
}

int dill_tcp_accept_mem(int s, struct dill_ipaddr *addr,
      struct dill_tcp_storage *mem, int64_t deadline) {
    struct dill_ipaddr peer;
    socklen_t len = sizeof(peer);
    int h = dill__fdlistener_accept(s, dill__tcp_listener_type, dill__tcp_type,
        (struct dill__fdsock*)mem, (struct sockaddr*)&peer, &len, deadline);
    if(h >= 0 && addr) dill__ipaddr_from(addr, (struct sockaddr*)&peer);
    return h;
}

int dill_tcp_accept(int s, struct dill_ipaddr *addr, int64_t deadline) {
    return dill_tcp_accept_mem(s, addr, NULL, deadline);
}

int dill_tcp_connect_mem(const struct dill_ipaddr *addr,
      struct dill_tcp_storage *mem, int64_t deadline) {
    if(dill__slow(dill__tcp_addr_check(addr) < 0)) return -1;
    return dill__fdsock_connect(dill_ipaddr_family(addr),
        dill_ipaddr_sockaddr(addr), dill_ipaddr_len(addr),
        (struct dill__fdsock*)mem, dill__tcp_type, deadline);
}

int dill_tcp_connect(const struct dill_ipaddr *addr, int64_t deadline) {
    return dill_tcp_connect_mem(addr, NULL, deadline);
}

int dill_tcp_done(int s, int64_t deadline) {
    return dill__fdsock_done(s, dill__tcp_type);
}

int dill_tcp_close(int s, int64_t deadline) {
    return dill__fdsock_close(s, dill__tcp_type, dill__tcp_listener_type,
        deadline);
}

int dill_tcp_fromfd_mem(int fd, struct dill_tcp_storage *mem) {
    if(dill__slow(dill__fd_adopt(fd, AF_INET, 0) < 0)) return -1;
    return dill__fdsock_make(fd, (struct dill__fdsock*)mem, dill__tcp_type);
}

int dill_tcp_fromfd(int fd) {
    return dill_tcp_fromfd_mem(fd, NULL);
}

int dill_tcp_listener_fromfd_mem(int fd, struct dill_tcp_listener_storage *mem) {
    if(dill__slow(dill__fd_adopt(fd, AF_INET, 1) < 0)) return -1;
    return dill__fdlistener_make(fd, (struct dill__fdlistener*)mem,
        dill__tcp_listener_type);
}

int dill_tcp_listener_fromfd(int fd) {
    return dill_tcp_listener_fromfd_mem(fd, NULL);
}
