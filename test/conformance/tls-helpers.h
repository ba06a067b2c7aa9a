/* Shared by the tls-* conformance programs: test certificates made by
   /usr/bin/openssl in a temporary folder (removed when the program exits),
   and the coroutines that play the other end of a connection. */
#ifndef TLS_HELPERS_H
#define TLS_HELPERS_H

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <emscripten.h>
#include <libdillimpl.h>

/* Runs openssl with the arguments in `args` (a JSON array) in `dir`;
   0, or -1 if it failed. */
EM_JS(int, tls__openssl, (const char *dir, const char *args), {
  try {
    require('child_process').execFileSync('/usr/bin/openssl', JSON.parse(UTF8ToString(args)),
      { cwd: UTF8ToString(dir), stdio: 'ignore' });
    return 0;
  } catch (e) {
    return -1;
  }
});

/* A fresh temporary folder, removed when the program exits. */
EM_JS(void, tls__mkdtemp, (char *out, int len), {
  var fs = require('fs');
  var dir = fs.mkdtempSync(require('path').join(require('os').tmpdir(), 'dill-tls-'));
  process.on('exit', function() { fs.rmSync(dir, { recursive: true, force: true }); });
  stringToUTF8(dir, out, len);
});

static char tls__dir[512];

static inline const char *tls_dir(void) {
    if(!tls__dir[0]) tls__mkdtemp(tls__dir, sizeof(tls__dir));
    return tls__dir;
}

/* "<dir>/<name>": the same pointer for the same name, for the whole
   program (at most 32 names). */
static inline const char *tls_path(const char *name) {
    static char names[32][64];
    static char paths[32][600];
    const char *key = name[0] ? name : "/";
    int i;
    for(i = 0; i < 32 && names[i][0]; i++)
        if(strcmp(names[i], key) == 0) return paths[i];
    assert(i < 32 && strlen(key) < 63);
    strcpy(names[i], key);
    snprintf(paths[i], 600, "%s/%s", tls_dir(), name);
    return paths[i];
}

/* A self-signed certificate <name>.pem (for CN `cn`, with subjectAltName
   `san`, e.g. "DNS:localhost,IP:127.0.0.1") and its key <name>.key, an EC
   P-256 key (quick to make). */
static inline void tls_cert(const char *name, const char *cn, const char *san) {
    char args[1024];
    snprintf(args, sizeof(args),
        "[\"req\",\"-x509\",\"-newkey\",\"ec\",\"-pkeyopt\",\"ec_paramgen_curve:P-256\","
        "\"-nodes\",\"-days\",\"2\",\"-subj\",\"/CN=%s\",\"-addext\",\"subjectAltName=%s\","
        "\"-keyout\",\"%s.key\",\"-out\",\"%s.pem\"]", cn, san, name, name);
    int rc = tls__openssl(tls_dir(), args);
    assert(rc == 0);
}

/* <name>.pem and <name>.key, their full paths. */
static inline const char *tls_crt(const char *name) {
    char n[128];
    snprintf(n, sizeof(n), "%s.pem", name);
    return tls_path(n);
}
static inline const char *tls_key(const char *name) {
    char n[128];
    snprintf(n, sizeof(n), "%s.key", name);
    return tls_path(n);
}

/* Writes `text` to <dir>/<name>; returns the path. */
static inline const char *tls_file(const char *name, const char *text) {
    const char *p = tls_path(name);
    FILE *f = fopen(p, "w");
    assert(f);
    fputs(text, f);
    fclose(f);
    return p;
}

/* The default test certificate "srv" (CN localhost), made once. */
static inline void tls_default_cert(void) {
    static int made;
    if(!made) tls_cert("srv", "localhost", "DNS:localhost,IP:127.0.0.1");
    made = 1;
}

/* A server coroutine: attaches TLS to s with certificate `name`, then
   echoes what it receives until the client's tls_done, then sends its own
   close_notify and hands s back with tls_detach.  The result (the
   detached handle, or -1) and errno go to *rc and *err. */
struct tls_echo {
    const char *cert;
    const char *key;
    int rc;
    int err;
    int detach;        /* 1: tls_detach at the end; 0: hclose */
    size_t echoed;
};

static coroutine void tls_echo_server(int s, struct tls_echo *e) {
    e->rc = -1;
    int t = tls_attach_server(s, e->cert, e->key, now() + 5000);
    if(t < 0) {e->err = errno; return;}
    char buf[1000];
    for(;;) {
        int rc = brecv(t, buf, 1, now() + 5000);
        if(rc < 0) {
            e->err = errno;
            break;
        }
        rc = bsend(t, buf, 1, now() + 5000);
        if(rc < 0) {e->err = errno; hclose(t); return;}
        e->echoed++;
    }
    if(e->err != EPIPE) {hclose(t); return;}
    if(!e->detach) {
        e->rc = tls_done(t, now() + 5000);
        if(e->rc < 0) e->err = errno;
        hclose(t);
        return;
    }
    e->rc = tls_detach(t, now() + 5000);
    if(e->rc < 0) e->err = errno;
}

/* A bytestream layer written with libdillimpl.h over socket u: passes
   bytes through, counting them; while `gate` is set its sends block until
   their deadline (ETIMEDOUT) or cancellation (ECANCELED), as if the peer
   had stopped reading.  Closing it closes u and counts in *closed. */
struct tls_layer {
    struct hvfs hvfs;
    struct bsock_vfs bvfs;
    int u;
    struct bsock_vfs *lower;
    size_t sent, received;
    int gate;
    int *closed;
};

static const int tls__layer_type_placeholder = 0;
static const void *tls_layer_type = &tls__layer_type_placeholder;

static inline void *tls__layer_query(struct hvfs *hvfs, const void *type) {
    struct tls_layer *self = (struct tls_layer*)((char*)hvfs - offsetof(struct tls_layer, hvfs));
    if(type == bsock_type) return &self->bvfs;
    if(type == tls_layer_type) return self;
    errno = ENOTSUP;
    return NULL;
}

static inline void tls__layer_close(struct hvfs *hvfs) {
    struct tls_layer *self = (struct tls_layer*)((char*)hvfs - offsetof(struct tls_layer, hvfs));
    hclose(self->u);
    if(self->closed) (*self->closed)++;
    free(self);
}

static inline size_t tls__total(struct iolist *first) {
    size_t n = 0;
    for(struct iolist *it = first; it; it = it->iol_next) n += it->iol_len;
    return n;
}

static inline int tls__layer_bsendl(struct bsock_vfs *bvfs, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    struct tls_layer *self = (struct tls_layer*)((char*)bvfs - offsetof(struct tls_layer, bvfs));
    if(self->gate) {
        if(msleep(deadline) == 0) errno = ETIMEDOUT;
        return -1;
    }
    int rc = self->lower->bsendl(self->lower, first, last, deadline);
    if(rc == 0) self->sent += tls__total(first);
    return rc;
}

static inline int tls__layer_brecvl(struct bsock_vfs *bvfs, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    struct tls_layer *self = (struct tls_layer*)((char*)bvfs - offsetof(struct tls_layer, bvfs));
    int rc = self->lower->brecvl(self->lower, first, last, deadline);
    if(rc == 0) self->received += tls__total(first);
    return rc;
}

/* A layer over u (which it owns from now on); *out gets the object. */
static inline int tls_layer(int u, int *closed, struct tls_layer **out) {
    struct tls_layer *self = calloc(1, sizeof(*self));
    assert(self);
    self->hvfs.query = tls__layer_query;
    self->hvfs.close = tls__layer_close;
    self->bvfs.bsendl = tls__layer_bsendl;
    self->bvfs.brecvl = tls__layer_brecvl;
    self->u = u;
    self->lower = hquery(u, bsock_type);
    assert(self->lower);
    self->closed = closed;
    int h = hmake(&self->hvfs);
    assert(h >= 0);
    if(out) *out = self;
    return h;
}

#endif
