/* Shared by the posix-inet-* and posix-udp-* conformance programs: loopback
   socket addresses of either family. */
#ifndef INET_HELPERS_H
#define INET_HELPERS_H

#include <assert.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

typedef union {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
    struct sockaddr_storage ss;
} addr_t;

/* The loopback address of `family` (127.0.0.1 or ::1) at `port`; returns
   its length. */
static inline socklen_t loopback(addr_t *a, int family, int port) {
    memset(a, 0, sizeof(*a));
    if(family == AF_INET) {
        a->in.sin_family = AF_INET;
        a->in.sin_port = htons(port);
        a->in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return sizeof(a->in);
    }
    a->in6.sin6_family = AF_INET6;
    a->in6.sin6_port = htons(port);
    a->in6.sin6_addr = in6addr_loopback;
    return sizeof(a->in6);
}

static inline int port_of(const addr_t *a) {
    return ntohs(a->sa.sa_family == AF_INET ? a->in.sin_port : a->in6.sin6_port);
}

static inline int same_addr(const addr_t *a, const addr_t *b) {
    if(a->sa.sa_family != b->sa.sa_family || port_of(a) != port_of(b)) return 0;
    if(a->sa.sa_family == AF_INET) return a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
    return memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, 16) == 0;
}

/* A socket of `type` (and flags) bound to the loopback address on an
   ephemeral port, which getsockname wrote back into *a. */
static inline int bound_socket(int family, int type, addr_t *a, socklen_t *alen) {
    int s = socket(family, type, 0);
    assert(s >= 0);
    *alen = loopback(a, family, 0);
    assert(bind(s, &a->sa, *alen) == 0);
    *alen = sizeof(*a);
    assert(getsockname(s, &a->sa, alen) == 0);
    assert(port_of(a) != 0);
    return s;
}

#endif
