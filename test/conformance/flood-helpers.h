/* Shared by the *-times-out-against-a-peer-that-never-stops-sending
   programs: a peer that sends until a send fails, a ticker that shows the
   other coroutines keep running, and the check that the peer's next send
   finds the connection gone. */
#ifndef FLOOD_HELPERS_H
#define FLOOD_HELPERS_H

#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

static int flood_err;
static long flood_sent;
static long ticks;

/* Sends 1 KiB at a time (messages if `msg`, else bytes) until a send
   fails; its errno goes to flood_err. */
static void flood(int s, int msg) {
    char buf[1024];
    memset(buf, 'x', sizeof(buf));
    while((msg ? msend(s, buf, sizeof(buf), -1) : bsend(s, buf, sizeof(buf), -1)) == 0)
        flood_sent++;
    flood_err = errno;
}

coroutine static void ticker(void) {
    while(msleep(now() + 5) == 0) ticks++;
}

/* The flooder's next send fails with ECONNRESET (within 2 s). */
static void expect_flooder_reset(void) {
    int64_t until = now() + 2000;
    while(!flood_err && now() < until) assert(msleep(now() + 10) == 0);
    assert(flood_err == ECONNRESET);
}

#endif
