/* Hundreds of TLS attach / exchange / close cycles (both tls_detach and
   hclose, malloc'd and in the caller's memory) leave the heap and the
   descriptor table where they were. */
#include "tls-helpers.h"
#include <fcntl.h>
#include <unistd.h>

struct srv { int t; int err; };

static coroutine void plain_server(int s, struct tls_storage *mem, struct srv *r) {
    r->t = mem ? tls_attach_server_mem(s, tls_crt("srv"), tls_key("srv"), mem, now() + 5000)
               : tls_attach_server(s, tls_crt("srv"), tls_key("srv"), now() + 5000);
    r->err = errno;
}

/* Client *c (over a gate layer *g if g is not NULL) and server *s. */
static void connect_pair(int *c, int *s, struct tls_layer **g,
      struct tls_storage *cmem, struct tls_storage *smem) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int l = g ? tls_layer(p[0], NULL, g) : p[0];
    struct srv r;
    int h = go(plain_server(p[1], smem, &r));
    assert(h >= 0);
    *c = cmem ? tls_attach_client_mem(l, cmem, now() + 5000)
              : tls_attach_client(l, now() + 5000);
    assert(*c >= 0);
    assert(bundle_wait(h, now() + 5000) == 0);
    hclose(h);
    assert(r.t >= 0);
    *s = r.t;
}

static void cycle(int i) {
    int c, s;
    struct tls_storage cm, sm;
    int mem = i & 1;
    connect_pair(&c, &s, NULL, mem ? &cm : NULL, mem ? &sm : NULL);
    char buf[5];
    assert(bsend(c, "ping!", 5, now() + 5000) == 0);
    assert(brecv(s, buf, 5, now() + 5000) == 0);
    if(i & 2) {
        assert(hclose(c) == 0);
        assert(hclose(s) == 0);
        return;
    }
    assert(tls_done(s, now() + 5000) == 0);
    int u = tls_detach(c, now() + 5000);
    assert(u >= 0);
    int v = tls_detach(s, now() + 5000);
    assert(v >= 0);
    assert(hclose(u) == 0);
    assert(hclose(v) == 0);
}

/* The lowest free descriptor. */
static int free_fd(void) {
    int fd = open("/dev/null", O_RDONLY);
    assert(fd >= 0);
    close(fd);
    return fd;
}

int main(void) {
    tls_default_cert();
    for(int i = 0; i < 40; i++) cycle(i);
    char *brk0 = sbrk(0);
    int fd0 = free_fd();
    for(int i = 0; i < 200; i++) cycle(i);
    assert((char*)sbrk(0) - brk0 < 256 * 1024);
    assert(free_fd() == fd0);
    return 0;
}
