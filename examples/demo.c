/*
 * libdill-wasm demo: ipc_done at work over a real unix socket path.
 *
 * A client sends a request and half-closes its side with ipc_done; the
 * server reads until EPIPE (it has received everything), answers and closes
 * with ipc_close (the termination handshake); the client reads the answer
 * until EPIPE.  Every step prints its return value and errno.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libdill.h>

static const char *errname(int rc) {
    if(rc >= 0) return "";
    switch(errno) {
    case EPIPE: return ", errno EPIPE";
    case ECONNRESET: return ", errno ECONNRESET";
    case ETIMEDOUT: return ", errno ETIMEDOUT";
    case EADDRINUSE: return ", errno EADDRINUSE";
    default: return ", errno other";
    }
}

#define STEP(who, what, expr) do { \
        int rc_ = (expr); \
        printf("%-7s %-36s -> %d%s\n", who, what, rc_, errname(rc_)); \
    } while(0)

coroutine void server(int ls) {
    int s = ipc_accept(ls, now() + 5000);
    printf("%-7s %-36s -> %d\n", "server", "ipc_accept(listener)", s);
    char req[64];
    size_t n = 0;
    int rc;
    while((rc = brecv(s, req + n, 1, now() + 5000)) == 0) n++;
    printf("%-7s %-36s -> %d%s  (after %zu bytes: \"%.*s\")\n", "server",
        "brecv(1 byte) until it fails", rc, errname(rc), n, (int)n, req);
    STEP("server", "bsend(\"42 is the answer\")", bsend(s, "42 is the answer", 16, -1));
    STEP("server", "ipc_close(s, now() + 1000)", ipc_close(s, now() + 1000));
}

int main(void) {
    char dir[] = "/tmp/dill-demo-XXXXXX";
    if(!mkdtemp(dir)) return 1;
    char path[64];
    snprintf(path, sizeof(path), "%s/demo.sock", dir);

    int ls = ipc_listen(path, 10);
    printf("%-7s %-36s -> %d  (%s)\n", "server", "ipc_listen(path)", ls, path);
    STEP("server", "ipc_listen(same path) again", ipc_listen(path, 10));
    int srv = go(server(ls));

    int c = ipc_connect(path, now() + 1000);
    printf("%-7s %-36s -> %d\n", "client", "ipc_connect(path)", c);
    STEP("client", "bsend(\"what is the answer?\")", bsend(c, "what is the answer?", 19, -1));
    STEP("client", "ipc_done(c)", ipc_done(c, -1));
    STEP("client", "ipc_done(c) again", ipc_done(c, -1));
    STEP("client", "bsend(\"more\") after ipc_done", bsend(c, "more", 4, -1));
    char ans[64];
    size_t n = 0;
    int rc;
    while((rc = brecv(c, ans + n, 1, now() + 5000)) == 0) n++;
    printf("%-7s %-36s -> %d%s  (after %zu bytes: \"%.*s\")\n", "client",
        "brecv(1 byte) until it fails", rc, errname(rc), n, (int)n, ans);
    STEP("client", "hclose(c)", hclose(c));

    STEP("main", "bundle_wait(server, now() + 1000)", bundle_wait(srv, now() + 1000));
    STEP("main", "hclose(server)", hclose(srv));
    STEP("main", "ipc_close(listener)", ipc_close(ls, -1));
    unlink(path);
    rmdir(dir);
    return 0;
}
