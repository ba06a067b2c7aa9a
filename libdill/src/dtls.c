/*
 * DTLS: declared, not available.  Node has no DTLS (its tls module is
 * TLS over streams only), and the DTLS implementations on npm that could
 * serve both ends are written in JavaScript outside Node's TLS stack; we
 * do not take one in as the engine (see docs/c-guide.md, "TLS and DTLS").  So
 * every function checks what it is given, as the manual implies (a bad
 * handle is EBADF, a socket of the wrong kind EPROTO, missing arguments
 * EINVAL, a canceled coroutine ECANCELED), then fails with ENOTSUP,
 * leaving the socket with the caller as it was.
 */
#include <errno.h>

#include "../include/libdillimpl.h"
#include "cr.h"
#include "handle.h"
#include "proto.h"
#include "utils.h"

static int dill__dtls_attach(int s, int server, const char *cert,
      const char *pkey) {
    /* DTLS runs over a message socket (UDP, or a protocol giving messages). */
    if(dill__slow(!dill__proto_lower(s, dill_msock_type))) return -1;
    if(dill__slow(server && (!cert || !pkey))) {errno = EINVAL; return -1;}
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    errno = ENOTSUP;
    return -1;
}

int dill_dtls_attach_server(int s, const char *cert, const char *pkey,
      int64_t deadline) {
    return dill__dtls_attach(s, 1, cert, pkey);
}

int dill_dtls_attach_server_mem(int s, const char *cert, const char *pkey,
      struct dill_dtls_storage *mem, int64_t deadline) {
    if(dill__slow(!mem)) {errno = EINVAL; return -1;}
    return dill__dtls_attach(s, 1, cert, pkey);
}

int dill_dtls_attach_client(int s, int64_t deadline) {
    return dill__dtls_attach(s, 0, NULL, NULL);
}

int dill_dtls_attach_client_mem(int s, struct dill_dtls_storage *mem,
      int64_t deadline) {
    if(dill__slow(!mem)) {errno = EINVAL; return -1;}
    return dill__dtls_attach(s, 0, NULL, NULL);
}

/* No handle is ever a DTLS socket: EBADF for a number that is not a
   handle, ENOTSUP ("not a DTLS protocol handle") for any other. */
static int dill__dtls_handle(int s) {
    if(dill__slow(!dill__hvfs(s))) return -1;
    errno = ENOTSUP;
    return -1;
}

int dill_dtls_done(int s, int64_t deadline) {
    return dill__dtls_handle(s);
}

int dill_dtls_detach(int s, int64_t deadline) {
    return dill__dtls_handle(s);
}
