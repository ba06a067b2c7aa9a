/* With the heap run dry, every IPC, TCP and UDP function that allocates
   its object fails with ENOMEM and leaves things as they were: opens and
   connects keep no descriptor (the table does not fill up) and a unix
   listener leaves no socket file, accepts leave
   the connection in the backlog (once memory is back, the same connection
   is accepted and carries data), the _fromfd functions leave the
   descriptor with the caller (usable afterwards), happyeyeballs_connect
   fails too.  The _mem variants allocate nothing of their own and work,
   until the handle table is full as well (it grows on the heap): then
   they fail with ENOMEM too, and chmake_mem with them.

   Our build only: it runs the heap dry through malloc, which WebAssembly's
   bounded memory makes possible; natively Linux overcommits and the
   program only times out (malloc does not fail). */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include "libdill.h"
#include "oom-helpers.h"

#define NCH 4096
static struct chstorage chs[NCH];
static int chans[NCH][2];

int main(void) {
    char dir[] = "/tmp/dill-enomem-XXXXXX";
    assert(mkdtemp(dir));
    char path[128], path2[128];
    snprintf(path, sizeof(path), "%s/l.sock", dir);
    snprintf(path2, sizeof(path2), "%s/m.sock", dir);

    /* Before: listeners with a connection waiting, descriptors to wrap. */
    int il = ipc_listen(path, 10);
    assert(il >= 0);
    int ic = ipc_connect(path, now() + 2000);
    assert(ic >= 0);
    struct ipaddr addr, local;
    assert(ipaddr_local(&addr, "127.0.0.1", 0, 0) == 0);
    int tl = tcp_listen(&addr, 10);
    assert(tl >= 0);
    int tc = tcp_connect(&addr, now() + 2000);
    assert(tc >= 0);
    assert(ipaddr_local(&local, "127.0.0.1", 0, 0) == 0);
    int sp[2];
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
    /* Listening sockets for the listener variants (they take no other). */
    int ulfd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert(ulfd >= 0);
    struct sockaddr_un un;
    memset(&un, 0, sizeof(un));
    un.sun_family = AF_UNIX;
    snprintf(un.sun_path, sizeof(un.sun_path), "%s/u.sock", dir);
    assert(bind(ulfd, (struct sockaddr*)&un, sizeof(un)) == 0 && listen(ulfd, 1) == 0);
    int tfd = socket(AF_INET, SOCK_STREAM, 0);
    assert(tfd >= 0);
    int tlfd = socket(AF_INET, SOCK_STREAM, 0);
    assert(tlfd >= 0);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert(bind(tlfd, (struct sockaddr*)&sin, sizeof(sin)) == 0 && listen(tlfd, 1) == 0);
    /* The lowest free descriptor now: a call that leaked one would move it. */
    int probe = dup(0);
    assert(probe >= 0 && close(probe) == 0);

    struct chunk *chunks = exhaust_memory();
    int p[2];
    assert(ipc_pair(p) == -1 && errno == ENOMEM);
    assert(ipc_listen(path2, 10) == -1 && errno == ENOMEM);
    /* No socket file was left behind: the path can be listened on later. */
    assert(access(path2, F_OK) == -1 && errno == ENOENT);
    assert(ipc_connect(path, now() + 1000) == -1 && errno == ENOMEM);
    assert(ipc_accept(il, now() + 1000) == -1 && errno == ENOMEM);
    assert(ipc_fromfd(sp[0]) == -1 && errno == ENOMEM);
    assert(ipc_listener_fromfd(ulfd) == -1 && errno == ENOMEM);
    struct ipaddr any;
    assert(ipaddr_local(&any, "127.0.0.1", 0, 0) == 0);
    assert(tcp_listen(&any, 10) == -1 && errno == ENOMEM);
    assert(tcp_connect(&addr, now() + 1000) == -1 && errno == ENOMEM);
    assert(tcp_accept(tl, NULL, now() + 1000) == -1 && errno == ENOMEM);
    assert(tcp_fromfd(tfd) == -1 && errno == ENOMEM);
    assert(tcp_listener_fromfd(tlfd) == -1 && errno == ENOMEM);
    assert(udp_open(&local, NULL) == -1 && errno == ENOMEM);
    assert(happyeyeballs_connect("127.0.0.1", ipaddr_port(&addr), now() + 1000) == -1 &&
        errno == ENOMEM);
    /* The _mem variants need no heap of their own. */
    struct ipc_pair_storage pmem;
    assert(ipc_pair_mem(&pmem, p) == 0);
    assert(bsend(p[0], "m", 1, now() + 1000) == 0);
    char one;
    assert(brecv(p[1], &one, 1, now() + 1000) == 0 && one == 'm');
    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
    struct udp_storage umem;
    int u = udp_open_mem(&local, NULL, &umem);
    assert(u >= 0 && hclose(u) == 0);

    /* Every handle slot taken (channels in static storage) while the heap
       is dry: the table cannot grow, so the _mem variants fail too. */
    int nch = 0;
    while(chmake_mem(&chs[nch], chans[nch]) == 0) {
        nch++;
        assert(nch < NCH);
    }
    assert(errno == ENOMEM);
    struct ipc_listener_storage ilmem;
    struct ipc_storage imem;
    struct tcp_listener_storage tlmem;
    struct tcp_storage tmem;
    assert(ipc_pair_mem(&pmem, p) == -1 && errno == ENOMEM);
    assert(ipc_listen_mem(path2, 10, &ilmem) == -1 && errno == ENOMEM);
    assert(ipc_connect_mem(path, &imem, now() + 1000) == -1 && errno == ENOMEM);
    assert(ipc_accept_mem(il, &imem, now() + 1000) == -1 && errno == ENOMEM);
    assert(ipc_fromfd_mem(sp[0], &imem) == -1 && errno == ENOMEM);
    assert(ipc_listener_fromfd_mem(ulfd, &ilmem) == -1 && errno == ENOMEM);
    assert(tcp_listen_mem(&any, 10, &tlmem) == -1 && errno == ENOMEM);
    assert(tcp_connect_mem(&addr, &tmem, now() + 1000) == -1 && errno == ENOMEM);
    assert(tcp_accept_mem(tl, NULL, &tmem, now() + 1000) == -1 && errno == ENOMEM);
    assert(tcp_fromfd_mem(tfd, &tmem) == -1 && errno == ENOMEM);
    assert(tcp_listener_fromfd_mem(tlfd, &tlmem) == -1 && errno == ENOMEM);
    assert(udp_open_mem(&local, NULL, &umem) == -1 && errno == ENOMEM);
    for(int i = 0; i < nch; i++)
        assert(hclose(chans[i][0]) == 0 && hclose(chans[i][1]) == 0);
    release_memory(chunks);

    /* Nothing leaked a descriptor. */
    probe = dup(0);
    assert(probe >= 0 && close(probe) == 0);
    int probe2 = dup(0);
    assert(probe2 == probe && close(probe2) == 0);

    /* The waiting connections are accepted now, the same ones. */
    int is = ipc_accept(il, now() + 2000);
    assert(is >= 0);
    char three[3];
    assert(bsend(ic, "ipc", 3, now() + 2000) == 0);
    assert(brecv(is, three, 3, now() + 2000) == 0 && memcmp(three, "ipc", 3) == 0);
    int ts = tcp_accept(tl, NULL, now() + 2000);
    assert(ts >= 0);
    assert(bsend(tc, "tcp", 3, now() + 2000) == 0);
    assert(brecv(ts, three, 3, now() + 2000) == 0 && memcmp(three, "tcp", 3) == 0);
    /* The descriptors are still the caller's, and wrap now. */
    int w = ipc_fromfd(sp[0]);
    assert(w >= 0);
    assert(write(sp[1], "x", 1) == 1);
    assert(brecv(w, &one, 1, now() + 1000) == 0 && one == 'x');
    assert(hclose(w) == 0 && close(sp[1]) == 0);
    int t = tcp_fromfd(tfd);
    assert(t >= 0 && hclose(t) == 0);
    assert(close(ulfd) == 0 && close(tlfd) == 0);

    int il2 = ipc_listen(path2, 10);
    assert(il2 >= 0 && hclose(il2) == 0);
    assert(hclose(is) == 0 && hclose(ic) == 0 && hclose(il) == 0);
    assert(hclose(ts) == 0 && hclose(tc) == 0 && hclose(tl) == 0);
    unlink(path2);
    unlink(path);
    unlink(un.sun_path);
    rmdir(dir);
    return 0;
}
