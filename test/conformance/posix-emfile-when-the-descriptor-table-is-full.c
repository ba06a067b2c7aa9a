/* Every descriptor number in use (the program's table holds 4096, as a
   process's RLIMIT_NOFILE would): each call that needs a new descriptor
   fails with EMFILE and leaves things as they were.  socket, socketpair,
   pipe, dup; ipc_pair, ipc_listen, ipc_connect, tcp_listen, tcp_connect,
   udp_open and their _mem variants; ipc_accept and tcp_accept (the
   connection stays in the backlog: once a descriptor is free, the same
   connection is accepted and carries data); happyeyeballs_connect; a name
   lookup; tls_attach_client (which closes its socket, as every failed
   attach);
   ipc_recvfd (the descriptor sent is closed, the stream goes on).  Calls
   that make handles only (chmake, go) still work: handles are not
   descriptors.  Never a crash. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "libdill.h"

#define MAXFILL 8192

static int filler[MAXFILL];
static int nfill;

/* Takes every free descriptor number with plain sockets. */
static void fill(void) {
    for(;;) {
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        if(s < 0) {
            assert(errno == EMFILE);
            return;
        }
        assert(nfill < MAXFILL);
        filler[nfill++] = s;
    }
}

/* Gives back n descriptor numbers. */
static void unfill(int n) {
    while(n-- > 0) {
        assert(nfill > 0);
        assert(close(filler[--nfill]) == 0);
    }
}

static coroutine void nothing(void) {}

int main(void) {
    char dir[] = "/tmp/dill-emfile-XXXXXX";
    assert(mkdtemp(dir));
    char path[128], path2[128];
    snprintf(path, sizeof(path), "%s/l.sock", dir);
    snprintf(path2, sizeof(path2), "%s/m.sock", dir);

    /* Before the table fills: listeners, a connection waiting in each
       backlog, a connected pair to pass a descriptor over, an address. */
    int il = ipc_listen(path, 10);
    assert(il >= 0);
    int ic = ipc_connect(path, now() + 2000);
    assert(ic >= 0);
    struct ipaddr addr;
    assert(ipaddr_local(&addr, "127.0.0.1", 0, 0) == 0);
    int tl = tcp_listen(&addr, 10);
    assert(tl >= 0);
    int tc = tcp_connect(&addr, now() + 2000);
    assert(tc >= 0);
    int fp[2], tp[2];
    assert(ipc_pair(fp) == 0);
    assert(ipc_pair(tp) == 0);
    struct ipaddr local;
    assert(ipaddr_local(&local, "127.0.0.1", 0, 0) == 0);

    fill();
    assert(nfill > 100);

    /* The POSIX calls. */
    int sv[2];
    assert(socket(AF_INET, SOCK_STREAM, 0) == -1 && errno == EMFILE);
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 && errno == EMFILE);
    assert(pipe(sv) == -1 && errno == EMFILE);
    assert(dup(filler[0]) == -1 && errno == EMFILE);

    /* The library's. */
    int p[2];
    struct ipc_pair_storage pmem;
    assert(ipc_pair(p) == -1 && errno == EMFILE);
    assert(ipc_pair_mem(&pmem, p) == -1 && errno == EMFILE);
    struct ipc_listener_storage ilmem;
    assert(ipc_listen(path2, 10) == -1 && errno == EMFILE);
    assert(ipc_listen_mem(path2, 10, &ilmem) == -1 && errno == EMFILE);
    struct ipc_storage imem;
    assert(ipc_connect(path, now() + 1000) == -1 && errno == EMFILE);
    assert(ipc_connect_mem(path, &imem, now() + 1000) == -1 && errno == EMFILE);
    assert(ipc_accept(il, now() + 1000) == -1 && errno == EMFILE);
    assert(ipc_accept_mem(il, &imem, now() + 1000) == -1 && errno == EMFILE);
    struct ipaddr any;
    assert(ipaddr_local(&any, "127.0.0.1", 0, 0) == 0);
    struct tcp_listener_storage tlmem;
    assert(tcp_listen(&any, 10) == -1 && errno == EMFILE);
    assert(tcp_listen_mem(&any, 10, &tlmem) == -1 && errno == EMFILE);
    struct tcp_storage tmem;
    assert(tcp_connect(&addr, now() + 1000) == -1 && errno == EMFILE);
    assert(tcp_connect_mem(&addr, &tmem, now() + 1000) == -1 && errno == EMFILE);
    assert(tcp_accept(tl, NULL, now() + 1000) == -1 && errno == EMFILE);
    assert(tcp_accept_mem(tl, NULL, &tmem, now() + 1000) == -1 && errno == EMFILE);
    struct udp_storage umem;
    assert(udp_open(&local, NULL) == -1 && errno == EMFILE);
    assert(udp_open_mem(&local, NULL, &umem) == -1 && errno == EMFILE);
    char port[8];
    snprintf(port, sizeof(port), "%d", ipaddr_port(&addr));
    assert(happyeyeballs_connect("127.0.0.1", ipaddr_port(&addr), now() + 1000) == -1 &&
        errno == EMFILE);
    /* A name lookup needs a descriptor too. */
    struct ipaddr named;
    assert(ipaddr_remote(&named, "localhost", 80, IPADDR_IPV4, now() + 1000) == -1 &&
        errno == EMFILE);
    /* TLS fails before its handshake (our engine takes a descriptor) and,
       as after any failed attach, closes the socket: its peer sees the
       end, nothing was sent. */
    assert(tls_attach_client(tp[0], now() + 1000) == -1 && errno == EMFILE);
    char two[2];
    assert(brecv(tp[1], two, 1, now() + 1000) == -1 && errno == EPIPE);
    assert(hclose(tp[1]) == 0);
    fill();                                   /* the numbers freed again */

    /* Handles are not descriptors. */
    int ch[2];
    assert(chmake(ch) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    int cr = go(nothing());
    assert(cr >= 0 && hclose(cr) == 0);

    /* A descriptor received with no number free is closed; the stream
       goes on. */
    assert(ipc_sendfd(fp[0], filler[0], now() + 1000) == 0);
    assert(ipc_recvfd(fp[1], now() + 1000) == -1 && errno == EMFILE);
    assert(bsend(fp[0], "on", 2, now() + 1000) == 0);
    assert(brecv(fp[1], two, 2, now() + 1000) == 0 && memcmp(two, "on", 2) == 0);

    /* With one number free, the waiting IPC connection is accepted, the
       same one: it carries data both ways. */
    unfill(1);
    int is = ipc_accept(il, now() + 2000);
    assert(is >= 0);
    assert(bsend(ic, "ipc", 3, now() + 2000) == 0);
    char three[3];
    assert(brecv(is, three, 3, now() + 2000) == 0 && memcmp(three, "ipc", 3) == 0);
    assert(bsend(is, "IPC", 3, now() + 2000) == 0);
    assert(brecv(ic, three, 3, now() + 2000) == 0 && memcmp(three, "IPC", 3) == 0);
    /* The table is full again: so is TCP's accept, until one is freed. */
    assert(tcp_accept(tl, NULL, now() + 1000) == -1 && errno == EMFILE);
    unfill(1);
    int ts = tcp_accept(tl, NULL, now() + 2000);
    assert(ts >= 0);
    assert(bsend(tc, "tcp", 3, now() + 2000) == 0);
    assert(brecv(ts, three, 3, now() + 2000) == 0 && memcmp(three, "tcp", 3) == 0);

    /* Everything given back: the calls work again. */
    unfill(nfill);
    assert(ipc_pair(p) == 0);
    assert(hclose(p[0]) == 0 && hclose(p[1]) == 0);
    int u = udp_open(&local, NULL);
    assert(u >= 0 && hclose(u) == 0);
    assert(hclose(is) == 0 && hclose(ic) == 0 && hclose(il) == 0);
    assert(hclose(ts) == 0 && hclose(tc) == 0 && hclose(tl) == 0);
    assert(hclose(fp[0]) == 0 && hclose(fp[1]) == 0);
    unlink(path);
    rmdir(dir);
    return 0;
}
