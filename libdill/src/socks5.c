/*
 * SOCKS5 (RFC 1928) with username/password authentication (RFC 1929), both
 * ends, over any bytestream socket.  These are one-shot handshakes on the
 * caller's socket, not a protocol layer: the socket stays the caller's and
 * afterwards carries the proxied bytes, so every message is read with the
 * exact length it announces and never a byte beyond it.
 *
 * Each step goes through dill_bsend/dill_brecv, which look the handle up
 * again: another coroutine may close the socket while we wait, and a vfs
 * pointer kept across that wait would dangle.  A handshake is a handful of
 * calls, so the look-ups cost nothing that matters.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "../include/libdillimpl.h"
#include "handle.h"
#include "ipaddr.h"
#include "utils.h"

#define DILL__S5_VERSION 5
#define DILL__S5_AUTH_VERSION 1
#define DILL__S5_NO_AUTH 0x00
#define DILL__S5_USERPASS 0x02
#define DILL__S5_NO_METHOD 0xff
#define DILL__S5_IPV4 1
#define DILL__S5_NAME 3
#define DILL__S5_IPV6 4

/* Longest request or reply: header, name length, 255-byte name, port. */
#define DILL__S5_MAXMSG (4 + 1 + 255 + 2)

/* EBADF/ENOTSUP unless s is a bytestream socket. */
static int dill__s5_check(int s) {
    return dill__hquery(s, dill_bsock_type) ? 0 : -1;
}

/******************************************************************************/
/*  Client                                                                    */
/******************************************************************************/

/* Credentials longer than RFC 1929's 255 bytes cannot be sent (EINVAL
   before anything goes out); empty ones can.  Only a username together with
   a password is offered to the proxy: either one alone counts as none, as
   upstream does. */
static int dill__s5_creds_ok(const char *username, const char *password) {
    return (!username || strlen(username) <= 255) &&
        (!password || strlen(password) <= 255);
}

/* Method negotiation, then RFC 1929 authentication if the proxy picks it. */
static int dill__s5_client_auth(int s, const char *username,
      const char *password, int64_t deadline) {
    /* With credentials, offer no authentication as well: the proxy decides
       whether it wants them. */
    uint8_t hello[4] = {DILL__S5_VERSION, 1, DILL__S5_NO_AUTH,
        DILL__S5_USERPASS};
    int creds = username && password;
    if(creds) hello[1] = 2;
    if(dill_bsend(s, hello, 2 + hello[1], deadline) < 0) return -1;
    uint8_t choice[2];
    if(dill_brecv(s, choice, 2, deadline) < 0) return -1;
    if(dill__slow(choice[0] != DILL__S5_VERSION)) {errno = EPROTO; return -1;}
    if(choice[1] == DILL__S5_NO_AUTH) return 0;
    if(choice[1] == DILL__S5_NO_METHOD) {errno = EACCES; return -1;}
    if(dill__slow(choice[1] != DILL__S5_USERPASS || !creds)) {
        /* A method we did not offer. */
        errno = EPROTO;
        return -1;
    }
    uint8_t msg[1 + 1 + 255 + 1 + 255];
    size_t ulen = strlen(username), plen = strlen(password);
    msg[0] = DILL__S5_AUTH_VERSION;
    msg[1] = (uint8_t)ulen;
    memcpy(msg + 2, username, ulen);
    msg[2 + ulen] = (uint8_t)plen;
    memcpy(msg + 3 + ulen, password, plen);
    if(dill_bsend(s, msg, 3 + ulen + plen, deadline) < 0) return -1;
    uint8_t status[2];
    if(dill_brecv(s, status, 2, deadline) < 0) return -1;
    if(dill__slow(status[0] != DILL__S5_AUTH_VERSION)) {errno = EPROTO; return -1;}
    if(dill__slow(status[1] != 0)) {errno = EACCES; return -1;}
    return 0;
}

/* The errno a failure reply code stands for, as upstream maps them; EPROTO
   for unassigned codes. */
static int dill__s5_reply_errno(int rep) {
    switch(rep) {
    case DILL_SOCKS5_GENERAL_FAILURE: return EIO;
    case DILL_SOCKS5_CONNECTION_NOT_ALLOWED: return EACCES;
    case DILL_SOCKS5_NETWORK_UNREACHABLE: return ENETUNREACH;
    case DILL_SOCKS5_HOST_UNREACHABLE: return EHOSTUNREACH;
    case DILL_SOCKS5_CONNECTION_REFUSED: return ECONNREFUSED;
    case DILL_SOCKS5_TTL_EXPIRED: return ETIMEDOUT;
    case DILL_SOCKS5_COMMAND_NOT_SUPPORTED: return ENOTSUP;
    case DILL_SOCKS5_ADDRESS_TYPE_NOT_SUPPORTED: return EAFNOSUPPORT;
    default: return EPROTO;
    }
}

/* Sends the CONNECT request (its address part already encoded) and reads
   the reply. */
static int dill__s5_client_request(int s, const uint8_t *addr, size_t alen,
      int port, int64_t deadline) {
    uint8_t req[DILL__S5_MAXMSG];
    req[0] = DILL__S5_VERSION;
    req[1] = DILL_SOCKS5_CONNECT;
    req[2] = 0;
    memcpy(req + 3, addr, alen);
    req[3 + alen] = (uint8_t)(port >> 8);
    req[4 + alen] = (uint8_t)port;
    if(dill_bsend(s, req, 5 + alen, deadline) < 0) return -1;
    /* The whole reply, bound address included, before its code is looked
       at (a proxy that closes after the code gives EPIPE): the stream is
       left at the proxied data either way. */
    uint8_t rep[DILL__S5_MAXMSG];
    if(dill_brecv(s, rep, 4, deadline) < 0) return -1;
    if(dill__slow(rep[0] != DILL__S5_VERSION || rep[2] != 0)) {
        errno = EPROTO;
        return -1;
    }
    size_t rest;
    switch(rep[3]) {
    case DILL__S5_IPV4: rest = 4 + 2; break;
    case DILL__S5_IPV6: rest = 16 + 2; break;
    case DILL__S5_NAME:
        if(dill_brecv(s, rep + 4, 1, deadline) < 0) return -1;
        rest = rep[4] + 2;
        break;
    default: errno = EPROTO; return -1;
    }
    if(dill_brecv(s, rep + 5, rest, deadline) < 0) return -1;
    if(dill__slow(rep[1] != DILL_SOCKS5_SUCCESS)) {
        errno = dill__s5_reply_errno(rep[1]);
        return -1;
    }
    return 0;
}

int dill_socks5_client_connect(int s, const char *username,
      const char *password, struct dill_ipaddr *addr, int64_t deadline) {
    if(dill__slow(dill__s5_check(s) < 0)) return -1;
    if(dill__slow(!dill__s5_creds_ok(username, password))) {
        errno = EINVAL;
        return -1;
    }
    /* As upstream, the address is looked at once the proxy has accepted us:
       a bad one fails after the method negotiation. */
    if(dill__s5_client_auth(s, username, password, deadline) < 0) return -1;
    if(dill__slow(!dill__ipaddr_valid(addr))) {errno = EINVAL; return -1;}
    uint8_t a[1 + 16];
    size_t alen;
    if(dill_ipaddr_family(addr) == AF_INET) {
        a[0] = DILL__S5_IPV4;
        memcpy(a + 1, &((struct sockaddr_in*)addr)->sin_addr, 4);
        alen = 1 + 4;
    } else {
        a[0] = DILL__S5_IPV6;
        memcpy(a + 1, &((struct sockaddr_in6*)addr)->sin6_addr, 16);
        alen = 1 + 16;
    }
    return dill__s5_client_request(s, a, alen, dill_ipaddr_port(addr),
        deadline);
}

int dill_socks5_client_connectbyname(int s, const char *username,
      const char *password, const char *hostname, int port, int64_t deadline) {
    if(dill__slow(dill__s5_check(s) < 0)) return -1;
    if(dill__slow(!dill__s5_creds_ok(username, password))) {
        errno = EINVAL;
        return -1;
    }
    /* The name and port are looked at after the method negotiation, as
       upstream does.  An empty name is sent as such; port 0 is refused (by
       address it is not), as upstream does. */
    if(dill__s5_client_auth(s, username, password, deadline) < 0) return -1;
    size_t nlen = hostname ? strlen(hostname) : 0;
    if(dill__slow(!hostname || nlen > 255 || port < 1 || port > 0xffff)) {
        errno = EINVAL;
        return -1;
    }
    uint8_t a[1 + 1 + 255];
    a[0] = DILL__S5_NAME;
    a[1] = (uint8_t)nlen;
    memcpy(a + 2, hostname, nlen);
    return dill__s5_client_request(s, a, 2 + nlen, port, deadline);
}

/******************************************************************************/
/*  Proxy                                                                     */
/******************************************************************************/

/* Sends the 2-byte answer `ans`, then fails with `err`. */
static int dill__s5_refuse(int s, uint8_t ver, uint8_t code, int err,
      int64_t deadline) {
    uint8_t ans[2] = {ver, code};
    if(dill_bsend(s, ans, 2, deadline) < 0) return -1;
    errno = err;
    return -1;
}

/* Reads a 1-byte length and that many bytes into buf (room for 256), as a
   C string: like upstream, a NUL inside ends the string there. */
static int dill__s5_recv_lstring(int s, char *buf, int64_t deadline) {
    uint8_t len;
    if(dill_brecv(s, &len, 1, deadline) < 0) return -1;
    if(dill_brecv(s, buf, len, deadline) < 0) return -1;
    buf[len] = 0;
    return 0;
}

int dill_socks5_proxy_auth(int s, dill_socks5_auth_function *auth_fn,
      int64_t deadline) {
    if(dill__slow(dill__s5_check(s) < 0)) return -1;
    uint8_t hello[2 + 255];
    if(dill_brecv(s, hello, 2, deadline) < 0) return -1;
    if(dill__slow(hello[0] != DILL__S5_VERSION)) {errno = EPROTO; return -1;}
    if(dill_brecv(s, hello + 2, hello[1], deadline) < 0) return -1;
    /* Refusals answer 0xff as upstream does; upstream then returns -1
       without setting errno, we say EACCES. */
    uint8_t want = auth_fn ? DILL__S5_USERPASS : DILL__S5_NO_AUTH;
    if(dill__slow(!memchr(hello + 2, want, hello[1])))
        return dill__s5_refuse(s, DILL__S5_VERSION, DILL__S5_NO_METHOD, EACCES,
            deadline);
    uint8_t choice[2] = {DILL__S5_VERSION, want};
    if(dill_bsend(s, choice, 2, deadline) < 0) return -1;
    if(!auth_fn) return 0;
    uint8_t ver;
    if(dill_brecv(s, &ver, 1, deadline) < 0) return -1;
    if(dill__slow(ver != DILL__S5_AUTH_VERSION)) {errno = EPROTO; return -1;}
    char username[256], password[256];
    if(dill__s5_recv_lstring(s, username, deadline) < 0) return -1;
    if(dill__s5_recv_lstring(s, password, deadline) < 0) return -1;
    if(!auth_fn(username, password))
        return dill__s5_refuse(s, DILL__S5_AUTH_VERSION, 0xff, EACCES,
            deadline);
    uint8_t ok[2] = {DILL__S5_AUTH_VERSION, 0};
    return dill_bsend(s, ok, 2, deadline);
}

/*
 * Reads a whole request.  Returns the command with *atyp and the address
 * bytes in addr (for a name: a C string, room for 256 bytes), *port; or -1
 * with errno: EPROTO for a wrong version or reserved byte or an unknown
 * address type (read no further: its length is unknown), and for an
 * unknown command once the request is read.
 */
static int dill__s5_recv_request(int s, int *atyp, uint8_t *addr, int *port,
      int64_t deadline) {
    uint8_t hdr[4];
    if(dill_brecv(s, hdr, 4, deadline) < 0) return -1;
    if(dill__slow(hdr[0] != DILL__S5_VERSION || hdr[2] != 0)) {
        errno = EPROTO;
        return -1;
    }
    switch(hdr[3]) {
    case DILL__S5_IPV4:
        if(dill_brecv(s, addr, 4, deadline) < 0) return -1;
        break;
    case DILL__S5_IPV6:
        if(dill_brecv(s, addr, 16, deadline) < 0) return -1;
        break;
    case DILL__S5_NAME:
        if(dill__s5_recv_lstring(s, (char*)addr, deadline) < 0) return -1;
        break;
    default:
        errno = EPROTO;
        return -1;
    }
    uint8_t p[2];
    if(dill_brecv(s, p, 2, deadline) < 0) return -1;
    if(dill__slow(hdr[1] < DILL_SOCKS5_CONNECT ||
          hdr[1] > DILL_SOCKS5_UDP_ASSOCIATE)) {
        errno = EPROTO;
        return -1;
    }
    *atyp = hdr[3];
    *port = p[0] << 8 | p[1];
    return hdr[1];
}

/* An ipaddr from a request's IPv4 or IPv6 address. */
static void dill__s5_make_ipaddr(struct dill_ipaddr *ipaddr, int atyp,
      const uint8_t *addr, int port) {
    if(atyp == DILL__S5_IPV4) {
        struct sockaddr_in in;
        memset(&in, 0, sizeof(in));
        in.sin_family = AF_INET;
        in.sin_port = htons((uint16_t)port);
        memcpy(&in.sin_addr, addr, 4);
        dill__ipaddr_from(ipaddr, (struct sockaddr*)&in);
    } else {
        struct sockaddr_in6 in6;
        memset(&in6, 0, sizeof(in6));
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons((uint16_t)port);
        memcpy(&in6.sin6_addr, addr, 16);
        dill__ipaddr_from(ipaddr, (struct sockaddr*)&in6);
    }
}

int dill_socks5_proxy_recvcommand(int s, struct dill_ipaddr *ipaddr,
      int64_t deadline) {
    if(dill__slow(dill__s5_check(s) < 0)) return -1;
    int atyp, port;
    uint8_t addr[256];
    int cmd = dill__s5_recv_request(s, &atyp, addr, &port, deadline);
    if(cmd < 0) return -1;
    /* As upstream, a NULL ipaddr is found out once the request is read. */
    if(dill__slow(!ipaddr)) {errno = EINVAL; return -1;}
    if(atyp != DILL__S5_NAME) {
        dill__s5_make_ipaddr(ipaddr, atyp, addr, port);
        return cmd;
    }
    /* The caller wants an address: resolve the name here. */
    if(dill_ipaddr_remote(ipaddr, (char*)addr, port, 0, deadline) < 0)
        return -1;
    return cmd;
}

int dill_socks5_proxy_recvcommandbyname(int s, char *host, int *port,
      int64_t deadline) {
    if(dill__slow(dill__s5_check(s) < 0)) return -1;
    int atyp, p;
    uint8_t addr[256];
    int cmd = dill__s5_recv_request(s, &atyp, addr, &p, deadline);
    if(cmd < 0) return -1;
    /* Upstream writes through NULL here; we fail as recvcommand does with
       a NULL ipaddr, the request read. */
    if(dill__slow(!host || !port)) {errno = EINVAL; return -1;}
    if(atyp == DILL__S5_NAME) {
        strcpy(host, (char*)addr);
    } else {
        inet_ntop(atyp == DILL__S5_IPV4 ? AF_INET : AF_INET6, addr, host,
            DILL_IPADDR_MAXSTRLEN);
    }
    *port = p;
    return cmd;
}

int dill_socks5_proxy_sendreply(int s, int reply, struct dill_ipaddr *ipaddr,
      int64_t deadline) {
    if(dill__slow(dill__s5_check(s) < 0)) return -1;
    if(dill__slow(reply < DILL_SOCKS5_SUCCESS ||
          reply > DILL_SOCKS5_ADDRESS_TYPE_NOT_SUPPORTED ||
          (ipaddr && !dill__ipaddr_valid(ipaddr)))) {
        errno = EINVAL;
        return -1;
    }
    /* No address (upstream crashes on NULL): 0.0.0.0 port 0, which RFC 1928
       clients take as "none".  An address that is no address is EINVAL
       (upstream fails there too, leaving errno as it was). */
    uint8_t msg[4 + 16 + 2] = {DILL__S5_VERSION, (uint8_t)reply, 0,
        DILL__S5_IPV4};
    size_t alen = 4;
    int port = 0;
    if(ipaddr) {
        port = dill_ipaddr_port(ipaddr);
        if(dill_ipaddr_family(ipaddr) == AF_INET) {
            memcpy(msg + 4, &((struct sockaddr_in*)ipaddr)->sin_addr, 4);
        } else {
            msg[3] = DILL__S5_IPV6;
            memcpy(msg + 4, &((struct sockaddr_in6*)ipaddr)->sin6_addr, 16);
            alen = 16;
        }
    }
    msg[4 + alen] = (uint8_t)(port >> 8);
    msg[5 + alen] = (uint8_t)port;
    return dill_bsend(s, msg, 6 + alen, deadline);
}
