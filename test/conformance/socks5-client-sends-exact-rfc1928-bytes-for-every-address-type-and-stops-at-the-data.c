/* socks5_client_connect and socks5_client_connectbyname against a raw proxy
   over ipc_pair: the exact bytes of RFC 1928/1929 for IPv4, IPv6 and names,
   with and without credentials (and a proxy that takes no authentication
   although credentials were offered); replies whose bound address is IPv4,
   IPv6 or a name; ports 0 (by address) and 65535; a 255-byte name and an
   empty one.  The proxy's answers are queued before the call, followed by
   proxied data: the client reads exactly its messages and the data is still
   there afterwards.  The address passed in is not modified.  By name, port
   0 is EINVAL once the proxy has picked a method, as upstream does. */
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

/* What the client sent must be exactly `len` bytes equal to `want`. */
static void expect_sent(const void *want, size_t len) {
    static char got[1024];
    assert(brecv(x, got, len, now() + 2000) == 0);
    assert(memcmp(got, want, len) == 0);
    /* Nothing more: closing the client side gives EPIPE, not a byte. */
    assert(hclose(c) == 0);
    char b;
    assert(brecv(x, &b, 1, now() + 2000) == -1 && errno == EPIPE);
    assert(hclose(x) == 0);
}

/* The proxied data queued after the proxy's answers reaches the client. */
static void expect_data(void) {
    char d[4];
    assert(brecv(c, d, 4, now() + 2000) == 0);
    assert(memcmp(d, "DATA", 4) == 0);
}

static void queue(const void *bytes, size_t len) {
    assert(bsend(x, bytes, len, -1) == 0);
}

int main(void) {
    struct ipaddr a, copy;

    /* IPv4, no credentials; reply with an IPv4 bound address. */
    fresh();
    queue("\x05\x00", 2);
    queue("\x05\x00\x00\x01\x7f\x00\x00\x01\x04\xd2" "DATA", 14);
    assert(ipaddr_remote(&a, "10.1.2.3", 8080, IPADDR_IPV4, -1) == 0);
    copy = a;
    assert(socks5_client_connect(c, NULL, NULL, &a, now() + 2000) == 0);
    assert(memcmp(&a, &copy, sizeof(a)) == 0);
    expect_data();
    expect_sent("\x05\x01\x00" "\x05\x01\x00\x01\x0a\x01\x02\x03\x1f\x90", 13);

    /* IPv6 with credentials; the proxy asks for them and accepts; reply with
       an IPv6 bound address. */
    fresh();
    queue("\x05\x02", 2);
    queue("\x01\x00", 2);
    queue("\x05\x00\x00\x04" "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x09" "\x00\x35"
        "DATA", 26);
    assert(ipaddr_remote(&a, "2001:db8::1", 443, IPADDR_IPV6, -1) == 0);
    assert(socks5_client_connect(c, "alice", "s3cret", &a, now() + 2000) == 0);
    expect_data();
    expect_sent("\x05\x02\x00\x02"
        "\x01\x05" "alice" "\x06" "s3cret"
        "\x05\x01\x00\x04" "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01" "\x01\xbb",
        4 + 2 + 5 + 1 + 6 + 4 + 16 + 2);

    /* A name, with credentials the proxy does not want (it picks "no
       authentication"); reply with a name as bound address. */
    fresh();
    queue("\x05\x00", 2);
    queue("\x05\x00\x00\x03\x04" "host" "\x00\x50" "DATA", 15);
    assert(socks5_client_connectbyname(c, "u", "p", "example.test", 80,
        now() + 2000) == 0);
    expect_data();
    expect_sent("\x05\x02\x00\x02"
        "\x05\x01\x00\x03\x0c" "example.test" "\x00\x50", 4 + 5 + 12 + 2);

    /* Port 65535, a 255-byte name and 255-byte credentials. */
    static char name[256], user[256], pass[256], want[1024];
    memset(name, 'n', 255);
    memset(user, 'u', 255);
    memset(pass, 'p', 255);
    fresh();
    queue("\x05\x02", 2);
    queue("\x01\x00", 2);
    queue("\x05\x00\x00\x01\0\0\0\0\0\0" "DATA", 14);
    assert(socks5_client_connectbyname(c, user, pass, name, 65535,
        now() + 2000) == 0);
    expect_data();
    size_t n = 0;
    memcpy(want + n, "\x05\x02\x00\x02\x01\xff", 6); n += 6;
    memcpy(want + n, user, 255); n += 255;
    want[n++] = (char)0xff;
    memcpy(want + n, pass, 255); n += 255;
    memcpy(want + n, "\x05\x01\x00\x03\xff", 5); n += 5;
    memcpy(want + n, name, 255); n += 255;
    memcpy(want + n, "\xff\xff", 2); n += 2;
    expect_sent(want, n);

    /* Port 0 by address. */
    fresh();
    queue("\x05\x00" "\x05\x00\x00\x01\0\0\0\0\0\0" "DATA", 16);
    assert(ipaddr_remote(&a, "192.168.0.1", 0, IPADDR_IPV4, -1) == 0);
    assert(socks5_client_connect(c, NULL, NULL, &a, now() + 2000) == 0);
    expect_data();
    expect_sent("\x05\x01\x00" "\x05\x01\x00\x01\xc0\xa8\x00\x01\x00\x00", 13);
    /* By name, port 0 is EINVAL, found once the proxy has picked a method
       (as a name that is NULL or too long, or a port over 65535); an empty
       name is sent as it is. */
    fresh();
    queue("\x05\x00" "DATA", 6);
    assert(socks5_client_connectbyname(c, NULL, NULL, "a", 0, now() + 2000) == -1 &&
        errno == EINVAL);
    expect_data();
    expect_sent("\x05\x01\x00", 3);
    fresh();
    queue("\x05\x00" "\x05\x00\x00\x01\0\0\0\0\0\0" "DATA", 16);
    assert(socks5_client_connectbyname(c, NULL, NULL, "", 1, now() + 2000) == 0);
    expect_data();
    expect_sent("\x05\x01\x00" "\x05\x01\x00\x03\x00" "\x00\x01", 10);
    return 0;
}
