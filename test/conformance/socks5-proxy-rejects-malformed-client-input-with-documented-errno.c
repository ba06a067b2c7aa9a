/* Malformed input from a raw client (over ipc_pair) to the proxy functions,
   never a crash:
   - socks5_proxy_auth: a greeting with the wrong version (a SOCKS4 request)
     gives EPROTO and no answer; no acceptable method (none offered, only
     GSSAPI, only "no authentication" when a callback is set, only
     username/password when none is) gives the answer 0xff and EACCES; an
     authentication message with the wrong version gives EPROTO; a NUL
     inside the username or password is refused (status 1, EACCES) without
     calling the callback.
   - socks5_proxy_recvcommand and socks5_proxy_recvcommandbyname: a request
     with the wrong version or a nonzero reserved byte, an empty name or one
     with a NUL inside give EPROTO; an unknown command gives ENOTSUP after
     reading the whole request (the stream stays in step: a
     COMMAND_NOT_SUPPORTED reply can follow and the next bytes are intact);
     an unknown address type gives EAFNOSUPPORT.
   - EOF before or inside any message gives EPIPE; a client that resets the
     connection gives ECONNRESET. */
#include <assert.h>
#include <string.h>
#include "libdill.h"

static int c, x;

static void fresh(const char *bytes, size_t len, int eof) {
    int p[2];
    assert(ipc_pair(p) == 0);
    c = p[0];
    x = p[1];
    assert(bsend(c, bytes, len, -1) == 0);
    if(eof) assert(ipc_done(c, -1) == 0);
}

static void done(void) {
    assert(hclose(c) == 0 && hclose(x) == 0);
}

/* The proxy answered exactly `want`. */
static void answered(const char *want, size_t len) {
    char got[16];
    assert(brecv(c, got, len, now() + 2000) == 0);
    assert(memcmp(got, want, len) == 0);
}

/* The proxy answered nothing. */
static void silent(void) {
    char b;
    assert(brecv(c, &b, 1, 0) == -1 && errno == ETIMEDOUT);
}

static int calls;

static int anyone(const char *username, const char *password) {
    calls++;
    return 1;
}

#define AUTH(lit, fn, eof) \
    (fresh(lit, sizeof(lit) - 1, eof), socks5_proxy_auth(x, fn, now() + 2000))

/* recvcommand (byname 0) or recvcommandbyname (1) on a fresh pair. */
static int command(const char *bytes, size_t len, int byname, int eof) {
    fresh(bytes, len, eof);
    if(byname) {
        char host[256];
        int port;
        return socks5_proxy_recvcommandbyname(x, host, &port, now() + 2000);
    }
    struct ipaddr a;
    return socks5_proxy_recvcommand(x, &a, now() + 2000);
}

#define COMMAND(lit, byname, eof) command(lit, sizeof(lit) - 1, byname, eof)

int main(void) {
    for(int fn = 0; fn < 2; fn++) {
        socks5_auth_function *f = fn ? anyone : NULL;
        /* Wrong version: a SOCKS4 CONNECT. */
        assert(AUTH("\x04\x01\x00\x50\x7f\x00\x00\x01\x00", f, 0) == -1 && errno == EPROTO);
        silent();
        done();
        assert(AUTH("\x00\x01\x00", f, 0) == -1 && errno == EPROTO);
        silent();
        done();
        /* No acceptable method. */
        assert(AUTH("\x05\x00", f, 0) == -1 && errno == EACCES);
        answered("\x05\xff", 2);
        done();
        assert(AUTH("\x05\x01\x01", f, 0) == -1 && errno == EACCES);
        answered("\x05\xff", 2);
        done();
        assert(AUTH(fn ? "\x05\x01\x00" : "\x05\x01\x02", f, 0) == -1 && errno == EACCES);
        answered("\x05\xff", 2);
        done();
        /* EOF before or inside the greeting. */
        assert(AUTH("", f, 1) == -1 && errno == EPIPE);
        done();
        assert(AUTH("\x05", f, 1) == -1 && errno == EPIPE);
        done();
        assert(AUTH("\x05\x03\x00\x02", f, 1) == -1 && errno == EPIPE);
        done();
    }

    /* Username/password sub-negotiation. */
    calls = 0;
    assert(AUTH("\x05\x01\x02" "\x05\x01" "u" "\x01" "p", anyone, 0) == -1 &&
        errno == EPROTO);
    answered("\x05\x02", 2);
    silent();
    done();
    assert(AUTH("\x05\x01\x02" "\x01\x03" "a\0b" "\x01" "p", anyone, 0) == -1 &&
        errno == EACCES);
    answered("\x05\x02" "\x01\x01", 4);
    done();
    assert(AUTH("\x05\x01\x02" "\x01\x01" "u" "\x02" "\0p", anyone, 0) == -1 &&
        errno == EACCES);
    answered("\x05\x02" "\x01\x01", 4);
    done();
    assert(calls == 0);
    assert(AUTH("\x05\x01\x02", anyone, 1) == -1 && errno == EPIPE);
    done();
    assert(AUTH("\x05\x01\x02" "\x01", anyone, 1) == -1 && errno == EPIPE);
    done();
    assert(AUTH("\x05\x01\x02" "\x01\x0a" "abc", anyone, 1) == -1 && errno == EPIPE);
    done();
    assert(AUTH("\x05\x01\x02" "\x01\x01" "u", anyone, 1) == -1 && errno == EPIPE);
    done();
    assert(AUTH("\x05\x01\x02" "\x01\x01" "u" "\x05" "pa", anyone, 1) == -1 && errno == EPIPE);
    done();
    assert(calls == 0);

    for(int byname = 0; byname < 2; byname++) {
        /* EPROTO */
        assert(COMMAND("\x04\x01\x00\x01\x7f\x00\x00\x01\x00\x50", byname, 0) == -1 &&
            errno == EPROTO);
        done();
        assert(COMMAND("\x05\x01\x01\x01\x7f\x00\x00\x01\x00\x50", byname, 0) == -1 &&
            errno == EPROTO);
        done();
        assert(COMMAND("\x05\x01\x00\x03\x00\x00\x50", byname, 0) == -1 && errno == EPROTO);
        done();
        assert(COMMAND("\x05\x01\x00\x03\x03" "a\0b" "\x00\x50", byname, 0) == -1 &&
            errno == EPROTO);
        done();

        /* ENOTSUP, in step with the client afterwards. */
        int bad[] = {0x00, 0x04, 0xff};
        for(int i = 0; i < 3; i++) {
            char req[] = "\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x50" "DATA";
            req[1] = (char)bad[i];
            assert(command(req, sizeof(req) - 1, byname, 0) == -1 && errno == ENOTSUP);
            assert(socks5_proxy_sendreply(x, SOCKS5_COMMAND_NOT_SUPPORTED, NULL,
                now() + 2000) == 0);
            answered("\x05\x07\x00\x01\0\0\0\0\0\0", 10);
            char d[4];
            assert(brecv(x, d, 4, now() + 2000) == 0 && memcmp(d, "DATA", 4) == 0);
            done();
        }

        /* EAFNOSUPPORT */
        int types[] = {0x00, 0x02, 0x05, 0xff};
        for(int i = 0; i < 4; i++) {
            char req[] = "\x05\x01\x00\x02\x7f\x00\x00\x01\x00\x50";
            req[3] = (char)types[i];
            assert(command(req, sizeof(req) - 1, byname, 0) == -1 && errno == EAFNOSUPPORT);
            assert(socks5_proxy_sendreply(x, SOCKS5_ADDRESS_TYPE_NOT_SUPPORTED, NULL,
                now() + 2000) == 0);
            answered("\x05\x08\x00\x01\0\0\0\0\0\0", 10);
            done();
        }

        /* EPIPE */
        assert(COMMAND("", byname, 1) == -1 && errno == EPIPE);
        done();
        assert(COMMAND("\x05\x01\x00", byname, 1) == -1 && errno == EPIPE);
        done();
        assert(COMMAND("\x05\x01\x00\x01\x7f\x00", byname, 1) == -1 && errno == EPIPE);
        done();
        assert(COMMAND("\x05\x01\x00\x01\x7f\x00\x00\x01\x00", byname, 1) == -1 &&
            errno == EPIPE);
        done();
        assert(COMMAND("\x05\x01\x00\x04\0\0\0\0\0\0\0\0", byname, 1) == -1 && errno == EPIPE);
        done();
        assert(COMMAND("\x05\x01\x00\x03", byname, 1) == -1 && errno == EPIPE);
        done();
        assert(COMMAND("\x05\x01\x00\x03\x14" "abcde", byname, 1) == -1 && errno == EPIPE);
        done();
        /* An unknown command is only known once the request is complete. */
        assert(COMMAND("\x05\x09\x00\x01\x7f\x00\x00\x01", byname, 1) == -1 && errno == EPIPE);
        done();
    }

    /* ECONNRESET: the client closes with the proxy's method choice unread. */
    fresh("\x05\x01\x00", 3, 0);
    assert(socks5_proxy_auth(x, NULL, now() + 2000) == 0);
    assert(hclose(c) == 0);
    struct ipaddr a;
    assert(socks5_proxy_recvcommand(x, &a, now() + 2000) == -1 && errno == ECONNRESET);
    assert(hclose(x) == 0);
    fresh("\x05\x01\x00", 3, 0);
    assert(socks5_proxy_auth(x, NULL, now() + 2000) == 0);
    assert(hclose(c) == 0);
    char host[256];
    int port;
    assert(socks5_proxy_recvcommandbyname(x, host, &port, now() + 2000) == -1 &&
        errno == ECONNRESET);
    assert(hclose(x) == 0);
    return 0;
}
