/*
 * IP addresses: struct dill_ipaddr holds a struct sockaddr_in or
 * sockaddr_in6.  Literals are parsed here; names of remote hosts are
 * resolved by the platform's resolver (Node's getaddrinfo: /etc/hosts, then
 * DNS) through a descriptor that becomes readable when the answer is in, so
 * only the calling coroutine waits and the deadline applies; names of local
 * interfaces come from the platform too (Node's os.networkInterfaces()).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../include/libdill.h"
#include "cr.h"
#include "ipaddr.h"
#include "platform/platform.h"
#include "utils.h"

DILL__STATIC_ASSERT(sizeof(struct sockaddr_in6) <= sizeof(struct dill_ipaddr),
    "struct dill_ipaddr too small");

/* Most addresses taken from one answer of the resolver. */
#define DILL__MAXANSWERS 64

int dill__ipaddr_valid(const struct dill_ipaddr *addr) {
    if(dill__slow(!addr)) return 0;
    int family = ((const struct sockaddr*)addr)->sa_family;
    return family == AF_INET || family == AF_INET6;
}

static void dill__ipaddr_make(struct dill_ipaddr *addr, int family,
      const void *bytes, int port) {
    memset(addr, 0, sizeof(*addr));
    if(family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in*)addr;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)port);
        memcpy(&in->sin_addr, bytes, 4);
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6*)addr;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        memcpy(&in6->sin6_addr, bytes, 16);
    }
}

/* The checks every constructor starts with; mode 0 becomes the default. */
static int dill__ipaddr_args(const void *addr, int port, int *mode) {
    if(dill__slow(!addr || port < 0 || port > 0xffff)) {errno = EINVAL; return -1;}
    if(*mode == 0) *mode = DILL_IPADDR_PREF_IPV4;
    if(dill__slow(*mode < DILL_IPADDR_IPV4 || *mode > DILL_IPADDR_PREF_IPV6)) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

/* Families in the order `mode` takes them; the second may be 0. */
static void dill__ipaddr_families(int mode, int fam[2]) {
    switch(mode) {
    case DILL_IPADDR_IPV4: fam[0] = AF_INET; fam[1] = 0; break;
    case DILL_IPADDR_IPV6: fam[0] = AF_INET6; fam[1] = 0; break;
    case DILL_IPADDR_PREF_IPV6: fam[0] = AF_INET6; fam[1] = AF_INET; break;
    default: fam[0] = AF_INET; fam[1] = AF_INET6; break;
    }
}

int dill__ipaddr_literal(struct dill_ipaddr *addr, const char *name,
      int port, int mode) {
    int fam[2];
    dill__ipaddr_families(mode, fam);
    unsigned char bytes[16];
    for(int i = 0; i < 2 && fam[i]; i++) {
        if(inet_pton(fam[i], name, bytes) == 1) {
            dill__ipaddr_make(addr, fam[i], bytes, port);
            return 0;
        }
    }
    return -1;
}

int dill_ipaddr_local(struct dill_ipaddr *addr, const char *name, int port,
      int mode) {
    if(dill__slow(dill__ipaddr_args(addr, port, &mode) < 0)) return -1;
    int fam[2];
    dill__ipaddr_families(mode, fam);
    if(!name) {
        /* Any local address of the first family. */
        static const unsigned char any[16];
        dill__ipaddr_make(addr, fam[0], any, port);
        return 0;
    }
    if(dill__ipaddr_literal(addr, name, port, mode) == 0) return 0;
    /* Not a literal: the name of an interface. */
    for(int i = 0; i < 2 && fam[i]; i++) {
        struct dill__ipentry e;
        int rc = dill__js_ifaddr(name, fam[i], &e);
        if(rc < 0) break;
        if(rc == 1) {
            dill__ipaddr_make(addr, e.family, e.addr, port);
            return 0;
        }
    }
    errno = ENODEV;
    return -1;
}

/*
 * Resolves `name` for `mode` into at most `max` entries, in the order the
 * mode prefers.  Returns their number, or -1 with errno (ETIMEDOUT,
 * ECANCELED, or the resolver's error).
 */
static int dill__ipaddr_resolve(const char *name, int mode,
      struct dill__ipentry *out, int max, int64_t deadline) {
    int fam[2];
    dill__ipaddr_families(mode, fam);
    int fd = dill__js_resolve_start(name, fam[1] ? 0 : fam[0]);
    if(dill__slow(fd < 0)) {errno = -fd; return -1;}
    if(dill_fdin(fd, deadline) < 0) {
        int err = errno;
        dill_fdclean(fd);
        close(fd);
        errno = err;
        return -1;
    }
    struct dill__ipentry all[DILL__MAXANSWERS];
    int n = dill__js_resolve_take(fd, all, DILL__MAXANSWERS);
    dill_fdclean(fd);
    close(fd);
    if(dill__slow(n < 0)) {errno = -n; return -1;}
    /* The preferred family first, each in the resolver's order. */
    int count = 0;
    for(int f = 0; f < 2 && fam[f]; f++) {
        for(int i = 0; i < n && count < max; i++) {
            if(all[i].family == fam[f]) out[count++] = all[i];
        }
    }
    return count;
}

int dill_ipaddr_remotes(struct dill_ipaddr *addrs, int naddrs,
      const char *name, int port, int mode, int64_t deadline) {
    /* Room for no address is EINVAL, as upstream has it. */
    if(dill__slow(naddrs <= 0 || !addrs || !name)) {
        errno = EINVAL;
        return -1;
    }
    if(dill__slow(dill__ipaddr_args(name, port, &mode) < 0)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    struct dill_ipaddr lit;
    if(dill__ipaddr_literal(&lit, name, port, mode) == 0) {
        addrs[0] = lit;
        return 1;
    }
    struct dill__ipentry found[DILL__MAXANSWERS];
    int max = naddrs < DILL__MAXANSWERS ? naddrs : DILL__MAXANSWERS;
    int n = dill__ipaddr_resolve(name, mode, found, max, deadline);
    if(n < 0) return -1;
    for(int i = 0; i < n; i++)
        dill__ipaddr_make(&addrs[i], found[i].family, found[i].addr, port);
    return n;
}

int dill_ipaddr_remote(struct dill_ipaddr *addr, const char *name, int port,
      int mode, int64_t deadline) {
    if(dill__slow(!addr)) {errno = EINVAL; return -1;}
    struct dill_ipaddr first;
    int n = dill_ipaddr_remotes(&first, 1, name, port, mode, deadline);
    if(n < 0) return -1;
    if(n == 0) {errno = EADDRNOTAVAIL; return -1;}
    *addr = first;
    return 0;
}

const char *dill_ipaddr_str(const struct dill_ipaddr *addr, char *ipstr) {
    if(dill__slow(!dill__ipaddr_valid(addr) || !ipstr)) {errno = EINVAL; return NULL;}
    const struct sockaddr_in *in = (const struct sockaddr_in*)addr;
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6*)addr;
    const void *bytes = in->sin_family == AF_INET ?
        (const void*)&in->sin_addr : (const void*)&in6->sin6_addr;
    return inet_ntop(in->sin_family, bytes, ipstr, DILL_IPADDR_MAXSTRLEN);
}

int dill_ipaddr_family(const struct dill_ipaddr *addr) {
    if(dill__slow(!dill__ipaddr_valid(addr))) {errno = EINVAL; return -1;}
    return ((const struct sockaddr*)addr)->sa_family;
}

const struct sockaddr *dill_ipaddr_sockaddr(const struct dill_ipaddr *addr) {
    return (const struct sockaddr*)addr;
}

int dill_ipaddr_len(const struct dill_ipaddr *addr) {
    if(dill__slow(!dill__ipaddr_valid(addr))) {errno = EINVAL; return -1;}
    return ((const struct sockaddr*)addr)->sa_family == AF_INET ?
        (int)sizeof(struct sockaddr_in) : (int)sizeof(struct sockaddr_in6);
}

int dill_ipaddr_port(const struct dill_ipaddr *addr) {
    if(dill__slow(!dill__ipaddr_valid(addr))) {errno = EINVAL; return -1;}
    /* sin_port and sin6_port are at the same offset. */
    return ntohs(((const struct sockaddr_in*)addr)->sin_port);
}

void dill_ipaddr_setport(struct dill_ipaddr *addr, int port) {
    if(dill__slow(!dill__ipaddr_valid(addr))) return;
    ((struct sockaddr_in*)addr)->sin_port = htons((uint16_t)port);
}

int dill_ipaddr_equal(const struct dill_ipaddr *addr1,
      const struct dill_ipaddr *addr2, int ignore_port) {
    if(!dill__ipaddr_valid(addr1) || !dill__ipaddr_valid(addr2)) return 0;
    const struct sockaddr_in *a = (const struct sockaddr_in*)addr1;
    const struct sockaddr_in *b = (const struct sockaddr_in*)addr2;
    if(a->sin_family != b->sin_family) return 0;
    if(!ignore_port && a->sin_port != b->sin_port) return 0;
    if(a->sin_family == AF_INET)
        return memcmp(&a->sin_addr, &b->sin_addr, 4) == 0;
    const struct sockaddr_in6 *a6 = (const struct sockaddr_in6*)addr1;
    const struct sockaddr_in6 *b6 = (const struct sockaddr_in6*)addr2;
    return memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
}

void dill__ipaddr_from(struct dill_ipaddr *addr, const struct sockaddr *sa) {
    memset(addr, 0, sizeof(*addr));
    memcpy(addr, sa, sa->sa_family == AF_INET ?
        sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
}
