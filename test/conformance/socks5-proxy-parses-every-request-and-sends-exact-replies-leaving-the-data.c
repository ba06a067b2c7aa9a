/* The proxy functions against a raw client over ipc_pair.  The client's
   greeting, authentication, request and then proxied data are queued in one
   go: socks5_proxy_auth and socks5_proxy_recvcommand[byname] read exactly
   their messages and leave the data.  Covered: method choice (no
   authentication, username/password, 255 offered methods), the credentials
   reaching the callback byte for byte (empty ones too), IPv4, IPv6 and
   requests through both receive functions and names through
   socks5_proxy_recvcommandbyname (addresses given to it come back as text;
   a name given to socks5_proxy_recvcommand is resolved, see
   socks5-proxy-recvcommand-resolves-a-name-the-client-sent.c), the BIND and
   UDP ASSOCIATE commands, ports 0 and 65535, and socks5_proxy_sendreply's
   exact bytes for every reply code with an IPv4 or IPv6 bound address (no
   address: socks5-proxy-sendreply-without-an-address-sends-0-0-0-0-port-0.c). */
#include <assert.h>
#include <string.h>
#include "libdill.h"

static int c, x;

static void fresh(void) {
    int p[2];
    assert(ipc_pair(p) == 0);
    c = p[0];
    x = p[1];
}

static void queue(const void *bytes, size_t len) {
    assert(bsend(c, bytes, len, -1) == 0);
}

/* The proxy sent exactly `want`, and then the data follows. */
static void expect_reply(const void *want, size_t len) {
    static char got[1024];
    assert(brecv(c, got, len, now() + 2000) == 0);
    assert(memcmp(got, want, len) == 0);
}

/* The proxied data queued after the client's messages is intact; the pair
   is closed. */
static void expect_data_and_close(void) {
    char d[4];
    assert(brecv(x, d, 4, now() + 2000) == 0);
    assert(memcmp(d, "DATA", 4) == 0);
    assert(bsend(x, "BACK", 4, -1) == 0);
    assert(brecv(c, d, 4, now() + 2000) == 0);
    assert(memcmp(d, "BACK", 4) == 0);
    assert(hclose(c) == 0);
    assert(hclose(x) == 0);
}

static char seen_user[256], seen_pass[256];
static int calls;

static int check(const char *username, const char *password) {
    calls++;
    strcpy(seen_user, username);
    strcpy(seen_pass, password);
    return strcmp(username, "alice") == 0 && strcmp(password, "s3cret") == 0;
}

static int anyone(const char *username, const char *password) {
    calls++;
    strcpy(seen_user, username);
    strcpy(seen_pass, password);
    return 1;
}

int main(void) {
    struct ipaddr a, want;
    char host[256];
    int port;

    /* No authentication; IPv4 request; reply with an IPv4 address. */
    fresh();
    queue("\x05\x01\x00" "\x05\x01\x00\x01\x0a\x01\x02\x03\x1f\x90" "DATA", 17);
    assert(socks5_proxy_auth(x, NULL, now() + 2000) == 0);
    expect_reply("\x05\x00", 2);
    assert(socks5_proxy_recvcommand(x, &a, now() + 2000) == SOCKS5_CONNECT);
    assert(ipaddr_remote(&want, "10.1.2.3", 8080, IPADDR_IPV4, -1) == 0);
    assert(ipaddr_equal(&a, &want, 0));
    assert(ipaddr_remote(&want, "127.0.0.1", 1234, IPADDR_IPV4, -1) == 0);
    assert(socks5_proxy_sendreply(x, SOCKS5_SUCCESS, &want, now() + 2000) == 0);
    expect_reply("\x05\x00\x00\x01\x7f\x00\x00\x01\x04\xd2", 10);
    expect_data_and_close();

    /* Username/password (the client offers three methods); IPv6 request;
       reply with an IPv6 address. */
    fresh();
    queue("\x05\x03\x00\x01\x02" "\x01\x05" "alice" "\x06" "s3cret"
        "\x05\x01\x00\x04" "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01" "\x01\xbb"
        "DATA", 5 + 2 + 5 + 1 + 6 + 4 + 16 + 2 + 4);
    calls = 0;
    assert(socks5_proxy_auth(x, check, now() + 2000) == 0);
    assert(calls == 1);
    assert(strcmp(seen_user, "alice") == 0 && strcmp(seen_pass, "s3cret") == 0);
    expect_reply("\x05\x02" "\x01\x00", 4);
    assert(socks5_proxy_recvcommand(x, &a, now() + 2000) == SOCKS5_CONNECT);
    assert(ipaddr_remote(&want, "2001:db8::1", 443, IPADDR_IPV6, -1) == 0);
    assert(ipaddr_equal(&a, &want, 0));
    assert(ipaddr_remote(&want, "2001:db8::9", 53, IPADDR_IPV6, -1) == 0);
    assert(socks5_proxy_sendreply(x, SOCKS5_SUCCESS, &want, now() + 2000) == 0);
    expect_reply("\x05\x00\x00\x04" "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x09" "\x00\x35",
        22);
    expect_data_and_close();

    /* Without a callback, "no authentication" is picked even when it is
       offered last; a name through recvcommandbyname; 0.0.0.0 port 0 as
       bound address. */
    fresh();
    queue("\x05\x02\x02\x00" "\x05\x01\x00\x03\x0c" "example.test" "\x00\x50" "DATA",
        4 + 5 + 12 + 2 + 4);
    assert(socks5_proxy_auth(x, NULL, now() + 2000) == 0);
    expect_reply("\x05\x00", 2);
    port = -1;
    assert(socks5_proxy_recvcommandbyname(x, host, &port, now() + 2000) ==
        SOCKS5_CONNECT);
    assert(strcmp(host, "example.test") == 0 && port == 80);
    assert(ipaddr_remote(&want, "0.0.0.0", 0, IPADDR_IPV4, -1) == 0);
    assert(socks5_proxy_sendreply(x, SOCKS5_SUCCESS, &want, now() + 2000) == 0);
    expect_reply("\x05\x00\x00\x01\0\0\0\0\0\0", 10);
    expect_data_and_close();

    /* 255 methods offered; empty credentials reach the callback as "". */
    static char msg[1024];
    size_t n = 0;
    msg[n++] = 5;
    msg[n++] = (char)255;
    for(int i = 0; i < 255; i++) msg[n++] = (char)(255 - i);   /* 0x02 at i 253 */
    memcpy(msg + n, "\x01\x00\x00", 3); n += 3;
    fresh();
    queue(msg, n);
    queue("\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x00" "DATA", 14);
    calls = 0;
    strcpy(seen_user, "x");
    strcpy(seen_pass, "x");
    assert(socks5_proxy_auth(x, anyone, now() + 2000) == 0);
    assert(calls == 1 && seen_user[0] == 0 && seen_pass[0] == 0);
    expect_reply("\x05\x02\x01\x00", 4);
    assert(socks5_proxy_recvcommand(x, &a, now() + 2000) == SOCKS5_CONNECT);
    assert(ipaddr_remote(&want, "127.0.0.1", 0, IPADDR_IPV4, -1) == 0);
    assert(ipaddr_equal(&a, &want, 0));
    expect_data_and_close();

    /* 255-byte credentials and a 255-byte name, port 65535. */
    static char user[256], pass[256], name[256];
    memset(user, 'u', 255);
    memset(pass, 'p', 255);
    memset(name, 'n', 255);
    n = 0;
    memcpy(msg + n, "\x05\x01\x02\x01\xff", 5); n += 5;
    memcpy(msg + n, user, 255); n += 255;
    msg[n++] = (char)0xff;
    memcpy(msg + n, pass, 255); n += 255;
    memcpy(msg + n, "\x05\x01\x00\x03\xff", 5); n += 5;
    memcpy(msg + n, name, 255); n += 255;
    memcpy(msg + n, "\xff\xff" "DATA", 6); n += 6;
    fresh();
    queue(msg, n);
    assert(socks5_proxy_auth(x, anyone, now() + 2000) == 0);
    assert(strcmp(seen_user, user) == 0 && strcmp(seen_pass, pass) == 0);
    expect_reply("\x05\x02\x01\x00", 4);
    assert(socks5_proxy_recvcommandbyname(x, host, &port, now() + 2000) ==
        SOCKS5_CONNECT);
    assert(strcmp(host, name) == 0 && port == 65535);
    expect_data_and_close();

    /* Addresses given to recvcommandbyname come back as text; BIND and UDP
       ASSOCIATE are returned as such. */
    fresh();
    queue("\x05\x02\x00\x01\xc0\xa8\x00\x01\x00\x15"
        "\x05\x03\x00\x04" "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x01" "\x30\x39"
        "DATA", 10 + 22 + 4);
    assert(socks5_proxy_recvcommandbyname(x, host, &port, now() + 2000) ==
        SOCKS5_BIND);
    assert(strcmp(host, "192.168.0.1") == 0 && port == 21);
    assert(socks5_proxy_recvcommandbyname(x, host, &port, now() + 2000) ==
        SOCKS5_UDP_ASSOCIATE);
    assert(strcmp(host, "fe80::1") == 0 && port == 12345);
    expect_data_and_close();

    /* Every reply code, on the wire as given. */
    fresh();
    assert(ipaddr_remote(&want, "1.2.3.4", 258, IPADDR_IPV4, -1) == 0);
    for(int code = SOCKS5_SUCCESS; code <= SOCKS5_ADDRESS_TYPE_NOT_SUPPORTED; code++) {
        assert(socks5_proxy_sendreply(x, code, &want, now() + 2000) == 0);
        char exp[10] = {5, (char)code, 0, 1, 1, 2, 3, 4, 1, 2};
        expect_reply(exp, 10);
    }
    assert(hclose(c) == 0 && hclose(x) == 0);
    return 0;
}
