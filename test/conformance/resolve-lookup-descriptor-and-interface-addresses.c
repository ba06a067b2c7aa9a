/* The name-resolution primitives of the wasm build (wasm/shim/resolve.js,
   used by libdill/src/ipaddr.c): dill__js_resolve_start returns a
   descriptor that becomes readable (poll POLLIN, fdin) once the lookup is
   done; dill__js_resolve_take gives -EAGAIN before, then 20-byte entries
   (int32 family, address in network order padded to 16 bytes).
   "localhost" gives 127.0.0.1 for AF_INET, a literal gives itself, a name
   under the reserved .invalid domain gives no entries (quickly, without a
   network), closing a lookup before it finished is fine.
   dill__js_ifaddr("lo", AF_INET) gives 127.0.0.1, an unknown interface
   -ENODEV.

   Our build only: these primitives are the wasm build's own (natively the
   program does not link). */
#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <libdill.h>

extern int dill__js_resolve_start(const char *name, int family);
extern int dill__js_resolve_take(int fd, void *out, int max);
extern int dill__js_ifaddr(const char *name, int family, void *out20);

struct entry {
    int32_t family;
    unsigned char addr[16];
};

/* Resolves `name`, waiting with poll (or fdin); returns the entry count. */
static int resolve(const char *name, int family, struct entry *e, int max, int use_fdin) {
    int fd = dill__js_resolve_start(name, family);
    assert(fd >= 0);
    if(use_fdin) {
        assert(fdin(fd, now() + 10000) == 0);
        fdclean(fd);
    } else {
        struct pollfd p = {fd, POLLIN, 0};
        assert(poll(&p, 1, 10000) == 1 && (p.revents & POLLIN));
    }
    int n = dill__js_resolve_take(fd, e, max);
    assert(n >= 0 && n <= max);
    assert(close(fd) == 0);
    return n;
}

int main(void) {
    assert(sizeof(struct entry) == 20);
    struct entry e[8];
    static const unsigned char lo4[4] = {127, 0, 0, 1};
    static const unsigned char lo6[16] = {0,0,0,0, 0,0,0,0, 0,0,0,0, 0,0,0,1};

    /* not done yet */
    int fd = dill__js_resolve_start("localhost", AF_INET);
    assert(fd >= 0);
    assert(dill__js_resolve_take(fd, e, 8) == -EAGAIN);
    struct pollfd p = {fd, POLLIN, 0};
    assert(poll(&p, 1, 10000) == 1);
    int n = dill__js_resolve_take(fd, e, 8);
    assert(n >= 1);
    assert(e[0].family == AF_INET && memcmp(e[0].addr, lo4, 4) == 0);
    for(int i = 4; i < 16; i++) assert(e[0].addr[i] == 0);
    close(fd);

    /* with fdin */
    n = resolve("localhost", AF_INET, e, 8, 1);
    assert(n >= 1 && e[0].family == AF_INET && memcmp(e[0].addr, lo4, 4) == 0);

    /* literals */
    n = resolve("127.0.0.1", 0, e, 8, 0);
    assert(n == 1 && e[0].family == AF_INET && memcmp(e[0].addr, lo4, 4) == 0);
    n = resolve("::1", AF_INET6, e, 8, 0);
    assert(n == 1 && e[0].family == AF_INET6 && memcmp(e[0].addr, lo6, 16) == 0);
    n = resolve("::1", AF_INET, e, 8, 0);
    assert(n == 0);
    /* max limits the count */
    n = resolve("127.0.0.1", 0, e, 0, 0);
    assert(n == 0);

    /* a name that cannot exist: no entries, quickly */
    int64_t start = now();
    n = resolve("no-such-host.invalid", 0, e, 8, 0);
    assert(n == 0);
    assert(now() - start < 5000);

    /* closed before it finished */
    fd = dill__js_resolve_start("localhost", 0);
    assert(fd >= 0 && close(fd) == 0);
    msleep(now() + 50);

    /* bad family */
    assert(dill__js_resolve_start("localhost", 12345) == -EAFNOSUPPORT);

    /* interfaces */
    struct entry one;
    assert(dill__js_ifaddr("lo", AF_INET, &one) == 1);
    assert(one.family == AF_INET && memcmp(one.addr, lo4, 4) == 0);
    assert(dill__js_ifaddr("nosuchif0", AF_INET, &one) == -ENODEV);
    assert(dill__js_ifaddr("nosuchif0", AF_INET6, &one) == -ENODEV);
    int r6 = dill__js_ifaddr("lo", AF_INET6, &one);
    assert(r6 == 0 || (r6 == 1 && one.family == AF_INET6 && memcmp(one.addr, lo6, 16) == 0));
    return 0;
}
