/* Bursts of datagrams, each larger than one turn of the event loop reads,
   arrive whole and in order whether or not the receiver asks for the
   sender's address (udp_recv with and without one, mrecv): empty ones as
   empty, and the senders' addresses right.  (In libdill-wasm receives
   without an address read a flood from the kernel directly, the others
   take what Node delivered: the two must not reorder anything.)

   With TOO_LONG defined to 1, every 53rd datagram is longer than the
   receiver's buffer: EMSGSIZE, and the next one intact after it.  That
   is how the manual has it and libdill-wasm does it; upstream truncates
   silently (see udp-truncation-skips-and-bad-arguments-as-the-manual-
   says.c), so the corpus runs this program without it and
   test/udp-receives-under-a-flood-read-the-kernel-directly.test.ts with
   it. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "libdill.h"

#ifndef TOO_LONG
#define TOO_LONG 0
#endif

#define BURSTS 20
#define PER 100
#define BIG 200

/* Datagram i: empty every 37th, BIG bytes every 53rd with TOO_LONG (one
   too long for the receiver's buffer), else 4 + i % 60 bytes; its number
   first. */
static size_t size_of(int i) {
    if(i % 37 == 5) return 0;
    if(TOO_LONG && i % 53 == 7) return BIG;
    return 4 + i % 60;
}

static void fill(char *b, int i) {
    memset(b, i & 0xff, BIG);
    if(size_of(i) >= 4) memcpy(b, &i, 4);
}

int main(void) {
    struct ipaddr ra, sa, ta;
    assert(ipaddr_local(&ra, "127.0.0.1", 0, IPADDR_IPV4) == 0);
    assert(ipaddr_local(&sa, "127.0.0.1", 0, IPADDR_IPV4) == 0);
    assert(ipaddr_local(&ta, "127.0.0.1", 0, IPADDR_IPV4) == 0);
    int r = udp_open(&ra, NULL);
    assert(r >= 0);
    /* Two senders, so that an address mixed up shows. */
    int s = udp_open(&sa, NULL);
    assert(s >= 0);
    int t = udp_open(&ta, NULL);
    assert(t >= 0);
    char out[BIG], in[BIG], want[BIG];
    int i = 0, got = 0, empty = 0, toolong = 0, named = 0;
    for(int burst = 0; burst < BURSTS; burst++) {
        /* A burst, all in the kernel before the receiver runs. */
        for(int k = 0; k < PER; k++, i++) {
            fill(out, i);
            assert(udp_send(i % 2 ? t : s, &ra, out, size_of(i)) == 0);
        }
        for(; got < i; got++) {
            struct ipaddr from;
            /* Every 10th asks for the sender, every 10th goes through mrecv. */
            int ask = got % 10 == 3;
            ssize_t n = got % 10 == 6 ?
                mrecv(r, in, BIG - 1, now() + 2000) :
                udp_recv(r, ask ? &from : NULL, in, BIG - 1, now() + 2000);
            if(size_of(got) == BIG) {
                /* Longer than BIG - 1: EMSGSIZE, and the datagram is gone. */
                if(n != -1 || errno != EMSGSIZE) {
                    fprintf(stderr, "datagram %d: %d, errno %d\n", got, (int)n, errno);
                    return 1;
                }
                toolong++;
                continue;
            }
            if(n != (ssize_t)size_of(got)) {
                fprintf(stderr, "datagram %d: %d bytes, expected %d (errno %d)\n",
                    got, (int)n, (int)size_of(got), errno);
                return 1;
            }
            fill(want, got);
            if(memcmp(in, want, n) != 0) {
                fprintf(stderr, "datagram %d: wrong bytes\n", got);
                return 1;
            }
            if(n == 0) empty++;
            if(ask) {
                assert(ipaddr_port(&from) == ipaddr_port(got % 2 ? &ta : &sa));
                named++;
            }
        }
    }
    /* Nothing more is there. */
    assert(udp_recv(r, NULL, in, sizeof(in), now() + 50) == -1 && errno == ETIMEDOUT);
    printf("%d datagrams in order: %d empty, %d too long, %d with their sender\n",
        got, empty, toolong, named);
    assert(empty > 0 && named > 0 && (toolong > 0) == TOO_LONG);
    assert(hclose(t) == 0);
    assert(hclose(s) == 0);
    assert(hclose(r) == 0);
    return 0;
}
