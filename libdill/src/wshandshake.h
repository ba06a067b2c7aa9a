/*
 * WebSocket's opening handshake (wshandshake.c), for ws.c.
 */
#ifndef DILL_WSHANDSHAKE_H_INCLUDED
#define DILL_WSHANDSHAKE_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

/* The client's side of the opening handshake (RFC 6455 4.1) on socket u:
   the socket to carry the frames (u under a new number), or -1 with u
   closed. */
int dill__ws_client_handshake(int u, const char *resource, const char *host,
    int64_t deadline);

/* The server's side (RFC 6455 4.2); as above.  The request's resource and
   Host go into the caller's buffers.  A request that is no WebSocket
   handshake is answered with 400 (426 for another version than 13). */
int dill__ws_server_handshake(int u, char *resource, size_t resourcelen,
    char *host, size_t hostlen, int64_t deadline);

#endif
