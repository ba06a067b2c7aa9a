/* recvfrom's source address as Linux writes it: into a buffer too short
   for it (cut, the full length reported), at an odd address, and on an
   IPv6 socket from an IPv4 sender (an IPv4-mapped address). */
#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int bound4(struct sockaddr_in *a) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    assert(s >= 0);
    memset(a, 0, sizeof(*a));
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert(bind(s, (struct sockaddr*)a, sizeof(*a)) == 0);
    socklen_t len = sizeof(*a);
    assert(getsockname(s, (struct sockaddr*)a, &len) == 0);
    return s;
}

int main(void) {
    struct sockaddr_in ra, sa;
    int r = bound4(&ra), s = bound4(&sa);
    char buf[16];
    /* Too short: the first bytes only, the full length reported. */
    assert(sendto(s, "a", 1, 0, (struct sockaddr*)&ra, sizeof(ra)) == 1);
    unsigned char raw[64];
    memset(raw, 0xee, sizeof(raw));
    socklen_t len = 6;
    assert(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr*)raw, &len) == 1);
    assert(len == sizeof(struct sockaddr_in));
    assert(memcmp(raw, &sa, 6) == 0 && raw[6] == 0xee);
    /* At an odd address. */
    assert(sendto(s, "b", 1, 0, (struct sockaddr*)&ra, sizeof(ra)) == 1);
    memset(raw, 0xee, sizeof(raw));
    len = sizeof(struct sockaddr_in);
    assert(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr*)(raw + 1), &len) == 1);
    assert(len == sizeof(struct sockaddr_in));
    struct sockaddr_in got;
    memcpy(&got, raw + 1, sizeof(got));
    assert(got.sin_family == AF_INET && got.sin_port == sa.sin_port &&
        got.sin_addr.s_addr == sa.sin_addr.s_addr);
    assert(raw[0] == 0xee && raw[1 + sizeof(got)] == 0xee);
    /* An IPv6 socket (not v6-only) hears an IPv4 sender as ::ffff:a.b.c.d. */
    int r6 = socket(AF_INET6, SOCK_DGRAM, 0);
    assert(r6 >= 0);
    int off = 0;
    assert(setsockopt(r6, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) == 0);
    struct sockaddr_in6 a6;
    memset(&a6, 0, sizeof(a6));
    a6.sin6_family = AF_INET6;
    a6.sin6_addr = in6addr_any;
    assert(bind(r6, (struct sockaddr*)&a6, sizeof(a6)) == 0);
    len = sizeof(a6);
    assert(getsockname(r6, (struct sockaddr*)&a6, &len) == 0);
    struct sockaddr_in to = ra;
    to.sin_port = a6.sin6_port;
    assert(sendto(s, "c", 1, 0, (struct sockaddr*)&to, sizeof(to)) == 1);
    struct sockaddr_in6 from6;
    memset(&from6, 0xee, sizeof(from6));
    len = sizeof(from6);
    assert(recvfrom(r6, buf, sizeof(buf), 0, (struct sockaddr*)&from6, &len) == 1);
    assert(len == sizeof(from6) && from6.sin6_family == AF_INET6 && from6.sin6_port == sa.sin_port);
    assert(from6.sin6_flowinfo == 0 && from6.sin6_scope_id == 0);
    assert(IN6_IS_ADDR_V4MAPPED(&from6.sin6_addr));
    assert(memcmp(&from6.sin6_addr.s6_addr[12], &sa.sin_addr, 4) == 0);
    close(r6); close(s); close(r);
    return 0;
}
