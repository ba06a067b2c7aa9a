/* Malformed input from a raw client (over ipc_pair) to the proxy functions,
   never a crash:
   - socks5_proxy_auth: a greeting with the wrong version (a SOCKS4 request)
     gives EPROTO and no answer; no acceptable method (none offered, only
     GSSAPI, only "no authentication" when a callback is set, only
     username/password when none is) gives the answer 0xff and -1 (errno:
     see socks5-proxy-auth-refusing-a-client-sets-eacces.c); an
     authentication message with the wrong version gives EPROTO; a username
     or password with a NUL inside reaches the callback as the C string it
     makes (cut at the NUL), as upstream does.
   - socks5_proxy_recvcommand and socks5_proxy_recvcommandbyname: a request
     with the wrong version, a nonzero reserved byte or an unknown address
     type gives EPROTO (the rest left unread); an unknown command gives
     EPROTO after reading the whole request (the stream stays in step: a
     COMMAND_NOT_SUPPORTED reply can follow and the next bytes are intact).
     An empty name, or one with a NUL inside (cut there), is passed on by
     socks5_proxy_recvcommandbyname.
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
static char seen_user[256], seen_pass[256];

static int anyone(const char *username, const char *password) {
    calls++;
    strcpy(seen_user, username);
    strcpy(seen_pass, password);
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
        dill_socks5_auth_function *f = fn ? anyone : NULL;
        /* Wrong version: a SOCKS4 CONNECT. */
        assert(AUTH("\x04\x01\x00\x50\x7f\x00\x00\x01\x00", f, 0) == -1 && errno == EPROTO);
        silent();
        done();
        assert(AUTH("\x00\x01\x00", f, 0) == -1 && errno == EPROTO);
        silent();
        done();
        /* No acceptable method. */
        assert(AUTH("\x05\x00", f, 0) == -1);
        answered("\x05\xff", 2);
        done();
        assert(AUTH("\x05\x01\x01", f, 0) == -1);
        answered("\x05\xff", 2);
        done();
        assert(AUTH(fn ? "\x05\x01\x00" : "\x05\x01\x02", f, 0) == -1);
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
    assert(calls == 0);
    /* A NUL inside: the callback sees the string up to it. */
    assert(AUTH("\x05\x01\x02" "\x01\x03" "a\0b" "\x01" "p" "X", anyone, 0) == 0);
    assert(calls == 1 && strcmp(seen_user, "a") == 0 && strcmp(seen_pass, "p") == 0);
    answered("\x05\x02" "\x01\x00", 4);
    assert(brecv(x, seen_user, 1, now() + 2000) == 0 && seen_user[0] == 'X');
    done();
    assert(AUTH("\x05\x01\x02" "\x01\x01" "u" "\x02" "\0p", anyone, 0) == 0);
    assert(calls == 2 && strcmp(seen_user, "u") == 0 && seen_pass[0] == 0);
    answered("\x05\x02" "\x01\x00", 4);
    done();
    calls = 0;
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

        /* An unknown command: EPROTO, in step with the client afterwards. */
        struct ipaddr bound;
        assert(ipaddr_remote(&bound, "10.0.0.2", 1080, IPADDR_IPV4, -1) == 0);
        int bad[] = {0x00, 0x04, 0xff};
        for(int i = 0; i < 3; i++) {
            char req[] = "\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x50" "DATA";
            req[1] = (char)bad[i];
            assert(command(req, sizeof(req) - 1, byname, 0) == -1 && errno == EPROTO);
            assert(socks5_proxy_sendreply(x, SOCKS5_COMMAND_NOT_SUPPORTED, &bound,
                now() + 2000) == 0);
            answered("\x05\x07\x00\x01\x0a\x00\x00\x02\x04\x38", 10);
            char d[4];
            assert(brecv(x, d, 4, now() + 2000) == 0 && memcmp(d, "DATA", 4) == 0);
            done();
        }

        /* An unknown address type: EPROTO, the rest unread. */
        int types[] = {0x00, 0x02, 0x05, 0xff};
        for(int i = 0; i < 4; i++) {
            char req[] = "\x05\x01\x00\x02\x7f\x00\x00\x01\x00\x50";
            req[3] = (char)types[i];
            assert(command(req, sizeof(req) - 1, byname, 0) == -1 && errno == EPROTO);
            assert(socks5_proxy_sendreply(x, SOCKS5_ADDRESS_TYPE_NOT_SUPPORTED, &bound,
                now() + 2000) == 0);
            answered("\x05\x08\x00\x01\x0a\x00\x00\x02\x04\x38", 10);
            char d[6];
            assert(brecv(x, d, 6, now() + 2000) == 0 && memcmp(d, "\x7f\x00\x00\x01\x00\x50", 6) == 0);
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

    /* Names socks5_proxy_recvcommandbyname passes on as C strings: an empty
       one, one cut at a NUL inside. */
    char name[256];
    int nport;
    fresh("\x05\x01\x00\x03\x00\x00\x50" "DATA", 11, 0);
    assert(socks5_proxy_recvcommandbyname(x, name, &nport, now() + 2000) == SOCKS5_CONNECT);
    assert(name[0] == 0 && nport == 80);
    done();
    fresh("\x05\x01\x00\x03\x03" "a\0b" "\x00\x50" "DATA", 14, 0);
    assert(socks5_proxy_recvcommandbyname(x, name, &nport, now() + 2000) == SOCKS5_CONNECT);
    assert(strcmp(name, "a") == 0 && nport == 80);
    char d[4];
    assert(brecv(x, d, 4, now() + 2000) == 0 && memcmp(d, "DATA", 4) == 0);
    done();

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
