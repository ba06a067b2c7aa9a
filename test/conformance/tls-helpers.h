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
#include <libdill.h>

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

/* "<dir>/<name>" in one of 8 rotating buffers. */
static inline const char *tls_path(const char *name) {
    static char bufs[8][600];
    static int next;
    char *b = bufs[next++ & 7];
    snprintf(b, 600, "%s/%s", tls_dir(), name);
    return b;
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

#endif
