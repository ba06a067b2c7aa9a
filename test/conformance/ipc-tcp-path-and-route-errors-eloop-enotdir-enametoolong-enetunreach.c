/* Errors that come from the path or the route, for the plain and _mem
   variants alike: a socket path through a symbolic link loop (ELOOP),
   through a regular file (ENOTDIR), longer than sun_path holds
   (ENAMETOOLONG), for ipc_listen and ipc_connect; a TCP connection to a
   multicast or broadcast address (ENETUNREACH: the kernel refuses to
   route a TCP connection there, nothing is sent), IPv4 and IPv6. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libdill.h"

static void ipc_fails(const char *path, int err) {
    struct ipc_listener_storage lm;
    struct ipc_storage cm;
    assert(ipc_listen(path, 10) == -1 && errno == err);
    assert(ipc_listen_mem(path, 10, &lm) == -1 && errno == err);
    assert(ipc_connect(path, now() + 1000) == -1 && errno == err);
    assert(ipc_connect_mem(path, &cm, now() + 1000) == -1 && errno == err);
}

static void tcp_unreachable(const char *ip) {
    struct ipaddr a;
    assert(ipaddr_remote(&a, ip, 80, IPADDR_PREF_IPV6, now() + 1000) == 0);
    struct tcp_storage mem;
    int64_t t0 = now();
    assert(tcp_connect(&a, now() + 5000) == -1 && errno == ENETUNREACH);
    assert(tcp_connect_mem(&a, &mem, now() + 5000) == -1 && errno == ENETUNREACH);
    /* At once, not at the deadline. */
    assert(now() - t0 < 4000);
}

int main(void) {
    char dir[] = "/tmp/dill-patherr-XXXXXX";
    assert(mkdtemp(dir));
    char loop[128], through_loop[160], file[128], through_file[160];
    snprintf(loop, sizeof(loop), "%s/loop", dir);
    assert(symlink(loop, loop) == 0);
    snprintf(through_loop, sizeof(through_loop), "%s/s.sock", loop);
    snprintf(file, sizeof(file), "%s/file", dir);
    FILE *f = fopen(file, "w");
    assert(f && fclose(f) == 0);
    snprintf(through_file, sizeof(through_file), "%s/s.sock", file);
    char toolong[300];
    memset(toolong, 'a', sizeof(toolong) - 1);
    toolong[0] = '/';
    toolong[sizeof(toolong) - 1] = 0;

    ipc_fails(through_loop, ELOOP);
    ipc_fails(through_file, ENOTDIR);
    ipc_fails(toolong, ENAMETOOLONG);

    tcp_unreachable("224.0.0.1");
    tcp_unreachable("255.255.255.255");
    tcp_unreachable("ff02::1");

    assert(unlink(loop) == 0 && unlink(file) == 0 && rmdir(dir) == 0);
    return 0;
}
