/*
 * WebSocket's opening handshake (RFC 6455 4) and its keys: the client's
 * GET with Upgrade and its key, the server's 101 with the accept key, both
 * through the HTTP protocol of http.c on the socket below.  ws.c calls it
 * when attaching; what follows is framing (ws.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../include/libdillimpl.h"
#include "handle.h"
#include "utils.h"
#include "wscrypto.h"
#include "wshandshake.h"

/******************************************************************************/
/*  Keys                                                                      */
/******************************************************************************/

int dill_ws_request_key(char *request_key) {
    if(dill__slow(!request_key)) {errno = EINVAL; return -1;}
    uint8_t nonce[16];
    if(dill__slow(dill__random(nonce, sizeof(nonce)) < 0)) return -1;
    dill__base64(nonce, sizeof(nonce), request_key);
    return 0;
}

int dill_ws_response_key(const char *request_key, char *response_key) {
    if(dill__slow(!request_key || !response_key)) {errno = EINVAL; return -1;}
    /* A key is the base64 of 16 bytes: 24 characters. */
    uint8_t nonce[16];
    size_t len = strnlen(request_key, 25);
    if(dill__slow(len != 24 ||
          dill__unbase64(request_key, len, nonce, sizeof(nonce)) != 16)) {
        errno = EPROTO;
        return -1;
    }
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    uint8_t digest[20];
    dill__sha1(request_key, len, guid, sizeof(guid) - 1, digest);
    dill__base64(digest, sizeof(digest), response_key);
    return 0;
}

/******************************************************************************/
/*  The opening handshake (RFC 6455 4), over HTTP                             */
/******************************************************************************/

/* A comma-separated header value: does it hold `token` (any case)? */
static int dill__ws_hastoken(const char *v, const char *token) {
    size_t tl = strlen(token);
    while(*v) {
        while(*v == ' ' || *v == '\t' || *v == ',') v++;
        const char *e = v;
        while(*e && *e != ',') e++;
        const char *t = e;
        while(t > v && (t[-1] == ' ' || t[-1] == '\t')) t--;
        if((size_t)(t - v) == tl && strncasecmp(v, token, tl) == 0) return 1;
        v = e;
    }
    return 0;
}

/* Room for one header field while handshaking (HTTP lines are at most 4 KiB). */
#define DILL__WS_NAMEMAX 256
#define DILL__WS_VALUEMAX 4096

/* http.c: 1 if HTTP socket h has received a blank line. */
int dill__http_blank(int h);

/* The peer's end of the stream during a head (http_* EPIPE without the
   blank line) is ECONNRESET for the handshake. */
static void dill__ws_http_eof(int h) {
    if(errno == EPIPE && !dill__http_blank(h)) errno = ECONNRESET;
}

/* The HTTP handshake begins: HTTP attached to socket u and, in *scratch,
   room for one header field.  The HTTP handle, or -1 with u closed and
   nothing allocated. */
static int dill__ws_http_begin(int u, char **scratch) {
    *scratch = malloc(DILL__WS_NAMEMAX + DILL__WS_VALUEMAX);
    int h = *scratch ? dill_http_attach(u) : -1;
    if(dill__slow(h < 0)) {
        int err = *scratch ? errno : ENOMEM;
        free(*scratch);
        /* http_attach may have closed it already. */
        if(dill__hvfs(u)) dill_hclose(u);
        errno = err;
        return -1;
    }
    return h;
}

/* The HTTP handshake ends: gives back the socket under the HTTP handle h
   on success (rc 0), closes everything on failure.  The socket, or -1. */
static int dill__ws_http_end(int h, int rc, char *scratch, int64_t deadline) {
    int err = errno;
    free(scratch);
    if(rc == 0) return dill_http_detach(h, deadline);
    dill_hclose(h);
    errno = err;
    return -1;
}

/* The client's side of the opening handshake (RFC 6455 4.1) on socket u:
   the socket to carry the frames (u under a new number), or -1 with u
   closed. */
int dill__ws_client_handshake(int u, const char *resource,
      const char *host, int64_t deadline) {
    char key[DILL_WS_KEY_SIZE], accept[DILL_WS_KEY_SIZE];
    char *scratch;
    int h = dill__ws_http_begin(u, &scratch);
    if(dill__slow(h < 0)) return -1;
    int rc = -1;
    if(dill_ws_request_key(key) < 0 || dill_ws_response_key(key, accept) < 0 ||
          dill_http_sendrequest(h, "GET", resource, deadline) < 0 ||
          dill_http_sendfield(h, "Host", host, deadline) < 0 ||
          dill_http_sendfield(h, "Upgrade", "websocket", deadline) < 0 ||
          dill_http_sendfield(h, "Connection", "Upgrade", deadline) < 0 ||
          dill_http_sendfield(h, "Sec-WebSocket-Key", key, deadline) < 0 ||
          dill_http_sendfield(h, "Sec-WebSocket-Version", "13", deadline) < 0 ||
          dill_http_done(h, deadline) < 0)
        return dill__ws_http_end(h, rc, scratch, deadline);
    char *name = scratch, *value = scratch + DILL__WS_NAMEMAX;
    int status = dill_http_recvstatus(h, value, DILL__WS_VALUEMAX, deadline);
    if(status < 0) {
        /* The stream ended before a status line: EPIPE, as upstream. */
        if(errno == ECONNRESET) errno = EPIPE;
        return dill__ws_http_end(h, rc, scratch, deadline);
    }
    int upgrade = 0, connection = 0, accepted = 0, extra = 0;
    for(;;) {
        if(dill_http_recvfield(h, name, DILL__WS_NAMEMAX, value,
              DILL__WS_VALUEMAX, deadline) < 0) {
            dill__ws_http_eof(h);
            if(errno == EPIPE) break;
            return dill__ws_http_end(h, rc, scratch, deadline);
        }
        if(strcasecmp(name, "Upgrade") == 0)
            upgrade |= strcasecmp(value, "websocket") == 0;
        else if(strcasecmp(name, "Connection") == 0)
            connection |= dill__ws_hastoken(value, "upgrade");
        else if(strcasecmp(name, "Sec-WebSocket-Accept") == 0)
            accepted |= strcmp(value, accept) == 0;
        /* We asked for no extension and no subprotocol. */
        else if(strcasecmp(name, "Sec-WebSocket-Extensions") == 0 ||
              strcasecmp(name, "Sec-WebSocket-Protocol") == 0)
            extra = 1;
    }
    if(status == 101 && upgrade && connection && accepted && !extra) rc = 0;
    else errno = EPROTO;
    return dill__ws_http_end(h, rc, scratch, deadline);
}

/* The server's side (RFC 6455 4.2); as above.  A request that is no
   WebSocket handshake is answered with 400 (426 for another version than
   13). */
int dill__ws_server_handshake(int u, char *resource,
      size_t resourcelen, char *host, size_t hostlen, int64_t deadline) {
    char *scratch;
    int h = dill__ws_http_begin(u, &scratch);
    if(dill__slow(h < 0)) return -1;
    char *name = scratch, *value = scratch + DILL__WS_NAMEMAX;
    char command[32];
    int rc = -1, bad = 0;
    /* A malformed request (EPROTO) is answered with 400 too. */
    if(dill_http_recvrequest(h, command, sizeof(command), resource,
          resourcelen, deadline) < 0) {
        /* The stream ended before a request line: EPIPE, as upstream. */
        if(errno == ECONNRESET) errno = EPIPE;
        if(errno != EPROTO) return dill__ws_http_end(h, rc, scratch, deadline);
        bad = 1;
    }
    int upgrade = 0, connection = 0, version = 0, gothost = 0;
    char key[DILL_WS_KEY_SIZE] = "";
    while(!bad) {
        if(dill_http_recvfield(h, name, DILL__WS_NAMEMAX, value,
              DILL__WS_VALUEMAX, deadline) < 0) {
            dill__ws_http_eof(h);
            if(errno == EPIPE) break;
            /* A request cut short among its fields is a bad one (EPROTO),
               as upstream has it. */
            if(errno != EPROTO && errno != ECONNRESET)
                return dill__ws_http_end(h, rc, scratch, deadline);
            bad = 1;
            break;
        }
        if(strcasecmp(name, "Host") == 0) {
            if(strlen(value) >= hostlen) {
                errno = EMSGSIZE;
                return dill__ws_http_end(h, rc, scratch, deadline);
            }
            strcpy(host, value);
            gothost = 1;
        } else if(strcasecmp(name, "Upgrade") == 0) {
            upgrade |= dill__ws_hastoken(value, "websocket");
        } else if(strcasecmp(name, "Connection") == 0) {
            connection |= dill__ws_hastoken(value, "upgrade");
        } else if(strcasecmp(name, "Sec-WebSocket-Version") == 0) {
            version = strcmp(value, "13") == 0 ? 1 : -1;
        } else if(strcasecmp(name, "Sec-WebSocket-Key") == 0) {
            if(strlen(value) < sizeof(key)) strcpy(key, value);
        }
    }
    char accept[DILL_WS_KEY_SIZE];
    if(bad || strcmp(command, "GET") != 0 || !gothost || !upgrade ||
          !connection || version != 1 || dill_ws_response_key(key, accept) < 0) {
        /* Best effort: the client learns why, then the connection fails. */
        if(version != -1) {
            dill_http_sendstatus(h, 400, "Bad Request", deadline);
        } else {
            dill_http_sendstatus(h, 426, "Upgrade Required", deadline);
            dill_http_sendfield(h, "Sec-WebSocket-Version", "13", deadline);
        }
        dill_http_done(h, deadline);
        errno = EPROTO;
        return dill__ws_http_end(h, rc, scratch, deadline);
    }
    if(dill_http_sendstatus(h, 101, "Switching Protocols", deadline) == 0 &&
          dill_http_sendfield(h, "Upgrade", "websocket", deadline) == 0 &&
          dill_http_sendfield(h, "Connection", "Upgrade", deadline) == 0 &&
          dill_http_sendfield(h, "Sec-WebSocket-Accept", accept, deadline) == 0 &&
          dill_http_done(h, deadline) == 0)
        rc = 0;
    return dill__ws_http_end(h, rc, scratch, deadline);
}
