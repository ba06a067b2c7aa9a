/* Our client against our proxy, each in its own coroutine, then data both
   ways on the same socket.  Method negotiation: no credentials with a proxy
   that wants none; credentials accepted by the callback (which sees them
   exactly); credentials a proxy without callback does not need; wrong
   credentials (EACCES on both sides); no credentials for a proxy that
   requires them (EACCES on both sides).  The proxy's errno then is checked
   in socks5-proxy-auth-refusing-a-client-sets-eacces.c (upstream leaves
   it).  The same handshake over ipc_pair, over a real IPC connection
   (ipc_listen/ipc_connect), and over a bytestream protocol written with
   libdillimpl.h (hmake + dill_bsock_vfs, XOR-ing every byte) stacked on
   ipc_pair. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libdillimpl.h"

/* The user-written layer. */
struct xorsock {
    struct hvfs hvfs;
    struct bsock_vfs bvfs;
    int u;
};

static void *xor_query(struct hvfs *vfs, const void *type) {
    struct xorsock *self = (struct xorsock*)vfs;
    if(type == bsock_type) return &self->bvfs;
    errno = ENOTSUP;
    return NULL;
}

static void xor_close(struct hvfs *vfs) {
    struct xorsock *self = (struct xorsock*)vfs;
    hclose(self->u);
    free(self);
}

static struct xorsock *xor_of(struct bsock_vfs *b) {
    return (struct xorsock*)((char*)b - offsetof(struct xorsock, bvfs));
}

static int xor_bsendl(struct bsock_vfs *b, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    char buf[2048];
    for(struct iolist *it = first; it; it = it->iol_next) {
        assert(it->iol_len <= sizeof(buf));
        for(size_t i = 0; i < it->iol_len; i++)
            buf[i] = ((char*)it->iol_base)[i] ^ 0x5a;
        if(bsend(xor_of(b)->u, buf, it->iol_len, deadline) < 0) return -1;
        if(it == last) break;
    }
    return 0;
}

static int xor_brecvl(struct bsock_vfs *b, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    if(brecvl(xor_of(b)->u, first, last, deadline) < 0) return -1;
    for(struct iolist *it = first; it; it = it->iol_next) {
        for(size_t i = 0; it->iol_base && i < it->iol_len; i++)
            ((char*)it->iol_base)[i] ^= 0x5a;
        if(it == last) break;
    }
    return 0;
}

static int xor_attach(int u) {
    struct xorsock *self = malloc(sizeof(*self));
    assert(self);
    self->hvfs.query = xor_query;
    self->hvfs.close = xor_close;
    self->bvfs.bsendl = xor_bsendl;
    self->bvfs.brecvl = xor_brecvl;
    self->u = u;
    int h = hmake(&self->hvfs);
    assert(h >= 0);
    return h;
}

/* The proxy side. */
static int calls;
static char seen_user[256], seen_pass[256];

static int check(const char *username, const char *password) {
    calls++;
    strcpy(seen_user, username);
    strcpy(seen_pass, password);
    return strcmp(username, "alice") == 0 && strcmp(password, "s3cret") == 0;
}

static int auth_rc, cmd, port;
static char host[256];

coroutine static void proxy(int x, dill_socks5_auth_function *fn) {
    auth_rc = socks5_proxy_auth(x, fn, now() + 2000);
    if(auth_rc < 0) return;
    cmd = socks5_proxy_recvcommandbyname(x, host, &port, now() + 2000);
    assert(cmd == SOCKS5_CONNECT);
    struct ipaddr bound;
    assert(ipaddr_remote(&bound, "10.0.0.1", 1080, IPADDR_IPV4, -1) == 0);
    assert(socks5_proxy_sendreply(x, SOCKS5_SUCCESS, &bound, now() + 2000) == 0);
    /* Echo five bytes, uppercased. */
    char b[5];
    assert(brecv(x, b, 5, now() + 2000) == 0);
    for(int i = 0; i < 5; i++) b[i] -= 'a' - 'A';
    assert(bsend(x, b, 5, now() + 2000) == 0);
}

/* One handshake on c (client) and x (proxy); returns the client's result
   (-1 with errno) after checking the data both ways on success. */
static int run(int c, int x, const char *user, const char *pass,
      dill_socks5_auth_function *fn, int byname) {
    calls = 0;
    host[0] = 0;
    port = -1;
    int h = go(proxy(x, fn));
    assert(h >= 0);
    int rc;
    if(byname) {
        rc = socks5_client_connectbyname(c, user, pass, "target.example", 7,
            now() + 2000);
    } else {
        struct ipaddr a;
        assert(ipaddr_remote(&a, "::1", 7, IPADDR_IPV6, -1) == 0);
        rc = socks5_client_connect(c, user, pass, &a, now() + 2000);
    }
    int err = errno;
    if(rc == 0) {
        assert(bsend(c, "hello", 5, now() + 2000) == 0);
        char b[5];
        assert(brecv(c, b, 5, now() + 2000) == 0);
        assert(memcmp(b, "HELLO", 5) == 0);
        assert(port == 7);
        assert(strcmp(host, byname ? "target.example" : "::1") == 0);
    }
    assert(bundle_wait(h, now() + 2000) == 0);
    assert(hclose(h) == 0);
    errno = err;
    return rc;
}

/* Every negotiation case on a fresh pair of sockets from `mk`. */
static void all_cases(void (*mk)(int *c, int *x)) {
    int c, x;

    mk(&c, &x);
    assert(run(c, x, NULL, NULL, NULL, 1) == 0);
    assert(auth_rc == 0 && calls == 0);
    assert(hclose(c) == 0 && hclose(x) == 0);

    mk(&c, &x);
    assert(run(c, x, "alice", "s3cret", check, 0) == 0);
    assert(auth_rc == 0 && calls == 1);
    assert(strcmp(seen_user, "alice") == 0 && strcmp(seen_pass, "s3cret") == 0);
    assert(hclose(c) == 0 && hclose(x) == 0);

    mk(&c, &x);
    assert(run(c, x, "alice", "s3cret", NULL, 1) == 0);
    assert(auth_rc == 0 && calls == 0);
    assert(hclose(c) == 0 && hclose(x) == 0);

    mk(&c, &x);
    assert(run(c, x, "alice", "wrong", check, 0) == -1 && errno == EACCES);
    assert(auth_rc == -1 && calls == 1);
    assert(strcmp(seen_user, "alice") == 0 && strcmp(seen_pass, "wrong") == 0);
    assert(hclose(c) == 0 && hclose(x) == 0);

    mk(&c, &x);
    assert(run(c, x, NULL, NULL, check, 1) == -1 && errno == EACCES);
    assert(auth_rc == -1 && calls == 0);
    assert(hclose(c) == 0 && hclose(x) == 0);
}

static void mk_pair(int *c, int *x) {
    int p[2];
    assert(ipc_pair(p) == 0);
    *c = p[0];
    *x = p[1];
}

static int ls;
static char path[64];

coroutine static void acceptor(int *x) {
    *x = ipc_accept(ls, now() + 2000);
}

static void mk_ipc(int *c, int *x) {
    int h = go(acceptor(x));
    *c = ipc_connect(path, now() + 2000);
    assert(*c >= 0);
    assert(bundle_wait(h, now() + 2000) == 0);
    assert(hclose(h) == 0);
    assert(*x >= 0);
}

static void mk_xor(int *c, int *x) {
    int p[2];
    assert(ipc_pair(p) == 0);
    *c = xor_attach(p[0]);
    *x = xor_attach(p[1]);
}

int main(void) {
    all_cases(mk_pair);
    char dir[] = "/tmp/dill-socks5-XXXXXX";
    assert(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/s.sock", dir);
    ls = ipc_listen(path, 10);
    assert(ls >= 0);
    all_cases(mk_ipc);
    assert(hclose(ls) == 0);
    unlink(path);
    rmdir(dir);
    all_cases(mk_xor);
    return 0;
}
