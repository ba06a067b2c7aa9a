/* Shared by the tls-* conformance programs: test certificates written
   into a temporary folder (removed when the program exits), and the
   coroutines that play the other end of a connection.  Plain C and POSIX:
   the programs build natively as well as with dillcc. */
#ifndef TLS_HELPERS_H
#define TLS_HELPERS_H

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libdillimpl.h>

/* The test certificates: self-signed (each its own CA), EC P-256 keys,
   valid from 2000 to 2099, made once with
     openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
       -subj /CN=<cn> -addext subjectAltName=<san>
       -addext basicConstraints=critical,CA:TRUE
   signed by themselves with openssl ca -selfsign -startdate/-enddate. */
static const struct {
    const char *cn, *san, *pem, *key;
} tls__certs[] = {
    {"localhost", "DNS:localhost,IP:127.0.0.1",
        "-----BEGIN CERTIFICATE-----\n"
        "MIIBZzCCAQ2gAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhv\n"
        "c3QwIBcNMDAwMTAxMDAwMDAwWhgPMjA5OTEyMzEyMzU5NTlaMBQxEjAQBgNVBAMM\n"
        "CWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABL0o9yzKNu5lqJ9N\n"
        "/vVnw1SqTOsRfg5JSk26Id/sQpPy2Dw1baQ8B1NoVf6dzli/4gzYq3fWsVVYoVYV\n"
        "EnFbOM2jTjBMMBoGA1UdEQQTMBGCCWxvY2FsaG9zdIcEfwAAATAPBgNVHRMBAf8E\n"
        "BTADAQH/MB0GA1UdDgQWBBRnaa5tp24y2nx1GAJsnRtHFa68AjAKBggqhkjOPQQD\n"
        "AgNIADBFAiAOszA/RAABe6SC6D23C+j3xvY9Cfnb5hk4Z/+0nlf1WgIhANcGi0Mj\n"
        "hJWyLy5RMlzRazQ5ti8gmUT6E/Y9y4jqc5qb\n"
        "-----END CERTIFICATE-----\n",
        "-----BEGIN PRIVATE KEY-----\n"
        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgF+u+PIE0zIsDA/kQ\n"
        "SBBlAE5+Q/d0Jo51nE9YB/47G5ihRANCAAS9KPcsyjbuZaifTf71Z8NUqkzrEX4O\n"
        "SUpNuiHf7EKT8tg8NW2kPAdTaFX+nc5Yv+IM2Kt31rFVWKFWFRJxWzjN\n"
        "-----END PRIVATE KEY-----\n"},
    {"other", "DNS:other",
        "-----BEGIN CERTIFICATE-----\n"
        "MIIBUzCB+6ADAgECAgECMAoGCCqGSM49BAMCMBAxDjAMBgNVBAMMBW90aGVyMCAX\n"
        "DTAwMDEwMTAwMDAwMFoYDzIwOTkxMjMxMjM1OTU5WjAQMQ4wDAYDVQQDDAVvdGhl\n"
        "cjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABORGy0hj62q6BwiC1EMUJRye51ya\n"
        "eHDvT/BCnE4W7fGdOFxZ3vfaMM1usPMvCavLiymcTTdH0sZBz04eyUT0qTmjRDBC\n"
        "MBAGA1UdEQQJMAeCBW90aGVyMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFPpO\n"
        "MHgbl26wsccSSbfkoDFuR7ueMAoGCCqGSM49BAMCA0cAMEQCIFOCvEE7xk4M0By5\n"
        "zWGx0zAhyaVVwDCuOPSOT0CVLseqAiBH3OB8XFaVUXQvekqyuJpakJXJ4GN2BX37\n"
        "jLVyKFOUjg==\n"
        "-----END CERTIFICATE-----\n",
        "-----BEGIN PRIVATE KEY-----\n"
        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgv/Pf3A2KXGB009xX\n"
        "Dnf0JvioXNiezpUGKLpJlCZ8geehRANCAATkRstIY+tqugcIgtRDFCUcnudcmnhw\n"
        "70/wQpxOFu3xnThcWd732jDNbrDzLwmry4spnE03R9LGQc9OHslE9Kk5\n"
        "-----END PRIVATE KEY-----\n"},
    {"other.example", "DNS:other.example",
        "-----BEGIN CERTIFICATE-----\n"
        "MIIBbDCCAROgAwIBAgIBAzAKBggqhkjOPQQDAjAYMRYwFAYDVQQDDA1vdGhlci5l\n"
        "eGFtcGxlMCAXDTAwMDEwMTAwMDAwMFoYDzIwOTkxMjMxMjM1OTU5WjAYMRYwFAYD\n"
        "VQQDDA1vdGhlci5leGFtcGxlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExBtK\n"
        "gqCd/ufYwiYKQiaw4cUJIkxqPKWljRRUZNPWKH8xU4cFYXTHqQtCtzEZVV2rz506\n"
        "VojOcY4x+xh+8UrSYaNMMEowGAYDVR0RBBEwD4INb3RoZXIuZXhhbXBsZTAPBgNV\n"
        "HRMBAf8EBTADAQH/MB0GA1UdDgQWBBRbNFG2bMzpLsO2b9lpc8PWG9SoszAKBggq\n"
        "hkjOPQQDAgNHADBEAiBW+OzPpVVeOlu1QRCtPtRbOH988hIkEm7iHlcLIeOzLAIg\n"
        "JmLcWfj2Bg1nSVBH9/5YMX39QvE/ty2TqpI/fvtYFEw=\n"
        "-----END CERTIFICATE-----\n",
        "-----BEGIN PRIVATE KEY-----\n"
        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgREdEKwtuzrWwNJiQ\n"
        "mBUr1FI7En8dQitOqhnnEwDDCJyhRANCAATEG0qCoJ3+59jCJgpCJrDhxQkiTGo8\n"
        "paWNFFRk09YofzFThwVhdMepC0K3MRlVXavPnTpWiM5xjjH7GH7xStJh\n"
        "-----END PRIVATE KEY-----\n"},
};

static char tls__dir[512];

/* Removes the temporary folder and what the program left in it. */
static void tls__cleanup(void) {
    DIR *d = opendir(tls__dir);
    if(!d) return;
    struct dirent *e;
    char p[1024];
    while((e = readdir(d))) {
        if(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(p, sizeof(p), "%s/%s", tls__dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(tls__dir);
}

/* A fresh temporary folder, removed when the program exits. */
static inline const char *tls_dir(void) {
    if(!tls__dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(tls__dir, sizeof(tls__dir), "%s/dill-tls-XXXXXX", t && *t ? t : "/tmp");
        assert(mkdtemp(tls__dir));
        atexit(tls__cleanup);
    }
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

/* Writes `text` to <dir>/<name>; returns the path. */
static inline const char *tls_file(const char *name, const char *text);

/* A self-signed certificate <name>.pem (for CN `cn`, with subjectAltName
   `san`, e.g. "DNS:localhost,IP:127.0.0.1") and its key <name>.key: one of
   the certificates above. */
static inline void tls_cert(const char *name, const char *cn, const char *san) {
    size_t i, n = sizeof(tls__certs) / sizeof(tls__certs[0]);
    for(i = 0; i < n; i++)
        if(strcmp(tls__certs[i].cn, cn) == 0 && strcmp(tls__certs[i].san, san) == 0) break;
    assert(i < n);
    char f[128];
    snprintf(f, sizeof(f), "%s.pem", name);
    tls_file(f, tls__certs[i].pem);
    snprintf(f, sizeof(f), "%s.key", name);
    tls_file(f, tls__certs[i].key);
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
