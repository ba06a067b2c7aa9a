/* Datagrams keep their order, with their senders' addresses, while the
   receive queue never empties (the receiver always about AHEAD behind),
   over many more datagrams than a queue holds at once. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "libdill.h"

#define TOTAL 5000
#define AHEAD 100

int main(void) {
    struct ipaddr ra, sa;
    assert(ipaddr_local(&ra, "127.0.0.1", 0, IPADDR_IPV4) == 0);
    assert(ipaddr_local(&sa, "127.0.0.1", 0, IPADDR_IPV4) == 0);
    int r = udp_open(&ra, NULL);
    assert(r >= 0);
    int s = udp_open(&sa, NULL);
    assert(s >= 0);
    int sent = 0, got = 0;
    for(; sent < AHEAD; sent++) assert(udp_send(s, &ra, &sent, sizeof(sent)) == 0);
    /* Let them all arrive before taking the first. */
    assert(msleep(now() + 50) == 0);
    while(got < TOTAL) {
        if(sent < TOTAL) {assert(udp_send(s, &ra, &sent, sizeof(sent)) == 0); sent++;}
        int v = -1;
        struct ipaddr from;
        ssize_t n = udp_recv(r, &from, &v, sizeof(v), now() + 1000);
        assert(n == sizeof(v));
        if(v != got) {fprintf(stderr, "got %d, expected %d\n", v, got); return 1;}
        assert(ipaddr_port(&from) == ipaddr_port(&sa));
        got++;
        /* Node reads what came meanwhile: the queue stays about AHEAD long. */
        if(got % 16 == 0) assert(msleep(now() + 1) == 0);
    }
    printf("%d in order\n", got);
    hclose(s); hclose(r);
    return 0;
}
