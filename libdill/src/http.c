/*
 * HTTP/1.x request and response heads (RFC 7230) over a bytestream: the
 * request or status line, the fields, the blank line.  What follows (a body,
 * WebSocket frames...) is for the caller to handle on the socket http_detach
 * hands back.
 *
 * Lines are received through SUFFIX with "\r\n", in the object's own
 * storage, so nothing past the blank line is ever read: http_detach returns
 * the socket positioned at the first byte after the head.  Each line sent
 * is written when its call is made (one write of the bytestream), as
 * upstream's: a peer can read a request line before the fields exist.
 *
 * A line received is at most DILL__HTTP_LINE bytes; a longer one is
 * EMSGSIZE, and it leaves the receiving direction unusable (its end was not
 * read).  A malformed line
 * (missing or extra spaces, a bad version or status code, a field without a
 * ':' or with a bad name, control characters) is EPROTO; it has been read
 * whole, so the connection stays usable.  The peer closing the connection
 * in the middle of a head is EPIPE, as upstream's, ECONNRESET after.
 *
 * As upstream's: http_done sends the blank line once (EPIPE after); lines
 * sent after it still go out.  http_recvfield reads one line per call, the
 * blank line being EPIPE; http_detach sends the blank line if http_done was
 * not called and, if no blank line has been received yet, reads and drops
 * the peer's lines up to one: that is the terminal handshake.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../include/libdillimpl.h"
#include "busy.h"
#include "cr.h"
#include "handle.h"
#include "proto.h"
#include "utils.h"

static const int dill__http_type_placeholder = 0;
static const void *dill__http_type = &dill__http_type_placeholder;

#define DILL__HTTP_LINE 4096
/* Lines up to this size are copied into one buffer for their write. */
#define DILL__HTTP_OUT 512

struct dill__http {
    struct dill_hvfs hvfs;
    struct dill_msock_vfs *lines;    /* the SUFFIX socket's: lines come in there */
    struct dill_bsock_vfs *raw;      /* the bytestream below: heads go out there */
    int s;                           /* the SUFFIX socket's handle */
    unsigned outdone : 1;            /* the blank line was sent (http_done) */
    unsigned outerr : 1;             /* a write failed part-way */
    unsigned indone : 1;             /* a blank line was received */
    unsigned sbusy : 1;
    unsigned rbusy : 1;
    unsigned mem : 1;
    struct dill__busy busy;          /* lines sent and received, http_detach */
    struct dill_suffix_storage sfx;
    char line[DILL__HTTP_LINE + 1];  /* the line received last, NUL-terminated */
};
DILL__STATIC_ASSERT(sizeof(struct dill__http) <= sizeof(struct dill_http_storage),
    "http_storage too small");

static void *dill__http_query(struct dill_hvfs *hvfs, const void *type) {
    struct dill__http *self = dill__cont(hvfs, struct dill__http, hvfs);
    if(type == dill__http_type) return self;
    errno = ENOTSUP;
    return NULL;
}

static void dill__http_free(struct dill__http *self) {
    if(!self->mem) free(self);
}

static void dill__http_busyfree(struct dill__busy *busy) {
    dill__http_free(dill__cont(busy, struct dill__http, busy));
}

static void dill__http_hclose(struct dill_hvfs *hvfs) {
    struct dill__http *self = dill__cont(hvfs, struct dill__http, hvfs);
    dill_hclose(self->s);
    dill__busy_close(&self->busy);
}

/* The HTTP object behind handle s, or NULL with errno; blocking calls also
   fail in a canceled coroutine. */
static struct dill__http *dill__http_get(int s) {
    struct dill__http *self = dill__hquery(s, dill__http_type);
    if(dill__slow(!self)) return NULL;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return NULL;}
    return self;
}

/******************************************************************************/
/*  Characters (RFC 7230 section 3.2.6)                                       */
/******************************************************************************/

static int dill__http_tchar(unsigned char c) {
    if((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* 1 if [p, p + n) is a non-empty token. */
static int dill__http_token(const char *p, size_t n) {
    if(n == 0) return 0;
    for(size_t i = 0; i < n; i++)
        if(!dill__http_tchar((unsigned char)p[i])) return 0;
    return 1;
}

/* 1 if [p, p + n) has no control characters (HTAB allowed if `tab`). */
static int dill__http_text(const char *p, size_t n, int tab) {
    for(size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if((c < 0x20 && !(tab && c == '\t')) || c == 0x7f) return 0;
    }
    return 1;
}

/* 1 if [p, p + n) is non-empty, without spaces or control characters. */
static int dill__http_target(const char *p, size_t n) {
    return n > 0 && dill__http_text(p, n, 0) && !memchr(p, ' ', n);
}

/* 1 if p is "HTTP/" DIGIT "." DIGIT. */
static int dill__http_version(const char *p, size_t n) {
    return n == 8 && memcmp(p, "HTTP/", 5) == 0 && p[5] >= '0' && p[5] <= '9' &&
        p[6] == '.' && p[7] >= '0' && p[7] <= '9';
}

/* Copies [p, p + n) and a NUL into dst of size len; EMSGSIZE if too small. */
static int dill__http_copy(char *dst, size_t len, const char *p, size_t n) {
    if(dill__slow(n >= len)) {errno = EMSGSIZE; return -1;}
    memcpy(dst, p, n);
    dst[n] = 0;
    return 0;
}

/******************************************************************************/
/*  Lines                                                                     */
/******************************************************************************/

/* Writes a, b, the clen bytes of c, d and CRLF as a line, in one call of
   the bytestream. */
static int dill__http_line(struct dill__http *self, const char *a,
      const char *b, const char *c, size_t clen, const char *d,
      int64_t deadline) {
    if(dill__slow(self->outerr)) {errno = ECONNRESET; return -1;}
    if(dill__slow(self->sbusy)) {errno = EBUSY; return -1;}
    struct dill_iolist iol[5] = {
        {(void*)a, strlen(a), &iol[1], 0}, {(void*)b, strlen(b), &iol[2], 0},
        {(void*)c, clen, &iol[3], 0}, {(void*)d, strlen(d), &iol[4], 0},
        {"\r\n", 2, NULL, 0}};
    size_t len = 0;
    for(int i = 0; i < 5; i++) len += iol[i].iol_len;
    /* A short line goes as one buffer (a stream socket sends each item of
       a list on its own). */
    char buf[DILL__HTTP_OUT];
    struct dill_iolist one = {buf, len, NULL, 0};
    struct dill_iolist *first = &iol[0], *last = &iol[4];
    if(len <= sizeof(buf)) {
        size_t off = 0;
        for(int i = 0; i < 5; i++) {
            memcpy(buf + off, iol[i].iol_base, iol[i].iol_len);
            off += iol[i].iol_len;
        }
        first = last = &one;
    }
    self->sbusy = 1;
    dill__busy_enter(&self->busy);
    int rc = self->raw->bsendl(self->raw, first, last, deadline);
    self->sbusy = 0;
    if(dill__slow(dill__busy_leave(&self->busy))) {errno = EBADF; return -1;}
    if(dill__slow(rc < 0)) self->outerr = 1;
    return rc;
}

/* Receives a line into self->line; its length, or -1 with errno (the end of
   the stream is EPIPE, as upstream's, then ECONNRESET). */
static ssize_t dill__http_recvline(struct dill__http *self, int64_t deadline) {
    if(dill__slow(self->rbusy)) {errno = EBUSY; return -1;}
    self->rbusy = 1;
    dill__busy_enter(&self->busy);
    struct dill_iolist iol = {self->line, DILL__HTTP_LINE, NULL, 0};
    ssize_t n = self->lines->mrecvl(self->lines, &iol, &iol, deadline);
    self->rbusy = 0;
    if(dill__slow(dill__busy_leave(&self->busy))) {errno = EBADF; return -1;}
    if(dill__slow(n < 0)) return -1;
    self->line[n] = 0;
    return n;
}

/******************************************************************************/
/*  The API                                                                   */
/******************************************************************************/

int dill_http_attach_mem(int s, struct dill_http_storage *mem) {
    /* As upstream's: a handle that is not a bytestream is ENOTSUP, and a
       failed attach closes s. */
    struct dill_bsock_vfs *raw = dill__proto_lower(s, dill_bsock_type);
    if(dill__slow(!raw)) {
        if(errno == EPROTO) errno = ENOTSUP;
        return dill__proto_fail(s);
    }
    struct dill__http *self = mem ? (struct dill__http*)mem : malloc(sizeof(*self));
    if(dill__slow(!self)) {errno = ENOMEM; return dill__proto_fail(s);}
    self->hvfs.query = dill__http_query;
    self->hvfs.close = dill__http_hclose;
    self->outdone = self->outerr = self->indone = self->sbusy = self->rbusy = 0;
    dill__busy_init(&self->busy, dill__http_busyfree);
    self->mem = !!mem;
    self->raw = raw;
    /* Our number first: SUFFIX takes s over only if that worked. */
    int h = dill__hmake(&self->hvfs);
    if(dill__slow(h < 0)) goto fail;
    self->s = dill_suffix_attach_mem(s, "\r\n", 2, &self->sfx);
    if(dill__slow(self->s < 0)) {
        /* (SUFFIX closed s.) */
        int err = errno;
        dill__hdrop(h);
        dill__http_free(self);
        errno = err;
        return -1;
    }
    self->lines = dill__hquery(self->s, dill_msock_type);
    return h;
fail:;
    int err = errno;
    dill__http_free(self);
    errno = err;
    return dill__proto_fail(s);
}

int dill_http_attach(int s) {
    return dill_http_attach_mem(s, NULL);
}

int dill_http_sendrequest(int s, const char *command, const char *resource,
      int64_t deadline) {
    struct dill__http *self = dill__http_get(s);
    if(dill__slow(!self)) return -1;
    if(dill__slow(!command || !resource ||
          !dill__http_token(command, strlen(command)) ||
          !dill__http_target(resource, strlen(resource)))) {
        errno = EINVAL;
        return -1;
    }
    return dill__http_line(self, command, " ", resource, strlen(resource),
        " HTTP/1.1", deadline);
}

int dill_http_sendstatus(int s, int status, const char *reason,
      int64_t deadline) {
    struct dill__http *self = dill__http_get(s);
    if(dill__slow(!self)) return -1;
    if(dill__slow(status < 100 || status > 599 || !reason ||
          !dill__http_text(reason, strlen(reason), 1))) {
        errno = EINVAL;
        return -1;
    }
    char code[6] = {' ', '0' + status / 100, '0' + status / 10 % 10,
        '0' + status % 10, ' ', 0};
    return dill__http_line(self, "HTTP/1.1", code, reason, strlen(reason), "",
        deadline);
}

int dill_http_sendfield(int s, const char *name, const char *value,
      int64_t deadline) {
    struct dill__http *self = dill__http_get(s);
    if(dill__slow(!self)) return -1;
    if(dill__slow(!name || !value || !dill__http_token(name, strlen(name)) ||
          !dill__http_text(value, strlen(value), 1))) {
        errno = EINVAL;
        return -1;
    }
    /* The value goes without its leading and trailing spaces, as upstream
       sends it; none left is EPROTO, as upstream's (its all-spaces case
       crashes). */
    size_t vlen = strlen(value);
    while(*value == ' ') {value++; vlen--;}
    while(vlen && value[vlen - 1] == ' ') vlen--;
    if(dill__slow(vlen == 0)) {errno = EPROTO; return -1;}
    return dill__http_line(self, name, ": ", value, vlen, "", deadline);
}

int dill_http_done(int s, int64_t deadline) {
    struct dill__http *self = dill__http_get(s);
    if(dill__slow(!self)) return -1;
    if(dill__slow(self->outdone)) {errno = EPIPE; return -1;}
    if(dill__slow(dill__http_line(self, "", "", "", 0, "", deadline) < 0)) return -1;
    self->outdone = 1;
    return 0;
}

int dill_http_recvrequest(int s, char *command, size_t commandlen,
      char *resource, size_t resourcelen, int64_t deadline) {
    struct dill__http *self = dill__http_get(s);
    if(dill__slow(!self)) return -1;
    if(dill__slow(!command || !resource)) {errno = EINVAL; return -1;}
    ssize_t n;
    /* Empty lines before a request are ignored (RFC 7230 section 3.5). */
    do n = dill__http_recvline(self, deadline); while(n == 0);
    if(dill__slow(n < 0)) return -1;
    const char *l = self->line;
    const char *sp1 = memchr(l, ' ', n);
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', l + n - sp1 - 1) : NULL;
    if(dill__slow(!sp2 || !dill__http_token(l, sp1 - l) ||
          !dill__http_target(sp1 + 1, sp2 - sp1 - 1) ||
          !dill__http_version(sp2 + 1, l + n - sp2 - 1))) {
        errno = EPROTO;
        return -1;
    }
    if(dill__slow(dill__http_copy(command, commandlen, l, sp1 - l) < 0 ||
          dill__http_copy(resource, resourcelen, sp1 + 1, sp2 - sp1 - 1) < 0))
        return -1;
    return 0;
}

int dill_http_recvstatus(int s, char *reason, size_t reasonlen,
      int64_t deadline) {
    struct dill__http *self = dill__http_get(s);
    if(dill__slow(!self)) return -1;
    if(dill__slow(!reason)) {errno = EINVAL; return -1;}
    ssize_t n = dill__http_recvline(self, deadline);
    if(dill__slow(n < 0)) return -1;
    /* "HTTP/1.1 200 OK"; a missing reason with its space is tolerated. */
    const char *l = self->line;
    if(dill__slow(n < 12 || !dill__http_version(l, 8) || l[8] != ' ' ||
          l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' ||
          l[11] < '0' || l[11] > '9' || (n > 12 && l[12] != ' ') ||
          !dill__http_text(l + 12, n - 12, 1))) {
        errno = EPROTO;
        return -1;
    }
    const char *r = n > 12 ? l + 13 : l + 12;
    if(dill__slow(dill__http_copy(reason, reasonlen, r, l + n - r) < 0)) return -1;
    return (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
}

int dill_http_recvfield(int s, char *name, size_t namelen, char *value,
      size_t valuelen, int64_t deadline) {
    struct dill__http *self = dill__http_get(s);
    if(dill__slow(!self)) return -1;
    if(dill__slow(!name || !value)) {errno = EINVAL; return -1;}
    ssize_t n = dill__http_recvline(self, deadline);
    if(dill__slow(n < 0)) return -1;
    if(n == 0) {
        self->indone = 1;
        errno = EPIPE;
        return -1;
    }
    /* name ":" OWS value OWS; no space before the colon, no folded lines
       (RFC 7230 sections 3.2 and 3.2.4). */
    const char *l = self->line;
    const char *colon = memchr(l, ':', n);
    if(dill__slow(!colon || !dill__http_token(l, colon - l) ||
          !dill__http_text(colon + 1, l + n - colon - 1, 1))) {
        errno = EPROTO;
        return -1;
    }
    const char *v = colon + 1, *e = l + n;
    while(v < e && (*v == ' ' || *v == '\t')) v++;
    while(e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
    if(dill__slow(dill__http_copy(name, namelen, l, colon - l) < 0 ||
          dill__http_copy(value, valuelen, v, e - v) < 0))
        return -1;
    return 0;
}

/* For ws.c: 1 if a blank line has come from the peer of HTTP socket h (its
   EPIPE was the end of a head, not of the stream). */
int dill__http_blank(int h) {
    struct dill__http *self = dill__hquery(h, dill__http_type);
    return self && self->indone;
}

/* The terminal handshake: our head ended, the rest of the peer's dropped. */
static int dill__http_handshake(struct dill__http *self, int64_t deadline) {
    if(dill__slow(self->sbusy || self->rbusy)) {errno = EBUSY; return -1;}
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    if(dill__slow(self->outerr)) {errno = ECONNRESET; return -1;}
    if(!self->outdone) {
        if(dill__http_line(self, "", "", "", 0, "", deadline) < 0) return -1;
        self->outdone = 1;
    }
    while(!self->indone) {
        ssize_t n = dill__http_recvline(self, deadline);
        if(n < 0) return -1;
        if(n == 0) self->indone = 1;
    }
    return 0;
}

int dill_http_detach(int s, int64_t deadline) {
    struct dill__http *self = dill__hquery(s, dill__http_type);
    if(dill__slow(!self)) return -1;
    dill__busy_enter(&self->busy);
    int u = dill__http_handshake(self, deadline);
    if(dill__slow(dill__busy_leave(&self->busy))) {
        /* hclose'd by another coroutine meanwhile: the number is gone. */
        errno = EBADF;
        return -1;
    }
    if(u == 0) {
        u = dill_suffix_detach(self->s, deadline);
        self->s = -1;
    }
    u = dill__proto_detached(s, u, u);
    if(u >= 0) dill__http_free(self);
    return u;
}
