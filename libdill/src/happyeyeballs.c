/*
 * happyeyeballs_connect: RFC 8305 connection racing, as the manual describes.
 *
 * Two coroutines resolve the name for IPv6 and IPv4 at once and pass each
 * address they find over a channel.  Connection attempts start with an IPv6
 * address (an IPv4 answer waits up to 50 ms for the IPv6 one, the RFC's
 * "resolution delay"), then alternate between the families; a new attempt
 * starts every 300 ms, or at once when one fails, without cancelling those
 * still running.  The first connection made wins; closing the bundles
 * cancels every other coroutine (an attempt that connects too late closes
 * its own connection).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "../include/libdill.h"
#include "cr.h"
#include "ipaddr.h"
#include "utils.h"

#define DILL__HE_ATTEMPT_DELAY 300
#define DILL__HE_RESOLUTION_DELAY 50
/* Most addresses tried per family. */
#define DILL__HE_MAXADDRS 16

/* What the resolvers send: an address, or "no more" for their family. */
struct dill__he_found {
    int family;
    int end;
    struct dill_ipaddr addr;
};

/* What an attempt sends: a connection handle, or -1 and the errno. */
struct dill__he_result {
    int h;
    int err;
};

dill_coroutine static void dill__he_resolve(const char *name, int port,
      int family, int ch, int64_t deadline) {
    struct dill_ipaddr addrs[DILL__HE_MAXADDRS];
    int mode = family == AF_INET6 ? DILL_IPADDR_IPV6 : DILL_IPADDR_IPV4;
    int n = dill_ipaddr_remotes(addrs, DILL__HE_MAXADDRS, name, port, mode,
        deadline);
    struct dill__he_found f;
    memset(&f, 0, sizeof(f));
    f.family = family;
    for(int i = 0; i < n; i++) {
        f.addr = addrs[i];
        if(dill_chsend(ch, &f, sizeof(f), -1) < 0) return;
    }
    f.end = 1;
    dill_chsend(ch, &f, sizeof(f), -1);
}

dill_coroutine static void dill__he_attempt(const struct dill_ipaddr *a,
      int ch, int64_t deadline) {
    /* A copy: the caller's variable does not outlive this coroutine. */
    struct dill_ipaddr addr = *a;
    struct dill__he_result r;
    r.h = dill_tcp_connect(&addr, deadline);
    r.err = r.h < 0 ? errno : 0;
    /* Nobody takes it any more (cancelled): the connection is not wanted. */
    if(dill_chsend(ch, &r, sizeof(r), -1) < 0 && r.h >= 0) dill_hclose(r.h);
}

/* The addresses found so far for one family, and the next to try. */
struct dill__he_queue {
    struct dill_ipaddr addrs[DILL__HE_MAXADDRS];
    int n, next;
    int done;      /* its resolver has finished */
};

static int dill__he_pending(const struct dill__he_queue *q) {
    return q->next < q->n;
}

/* The race itself, once the channels and bundles exist.  Returns the
   connection, or -1 with errno. */
static int dill__he_race(const char *name, int port, int found[2],
      int results[2], int resolvers, int attempts, int64_t deadline) {
    if(dill_bundle_go(resolvers, dill__he_resolve(name, port, AF_INET6,
          found[1], deadline)) < 0) return -1;
    if(dill_bundle_go(resolvers, dill__he_resolve(name, port, AF_INET,
          found[1], deadline)) < 0) return -1;
    struct dill__he_queue q[2];      /* [0] IPv6, [1] IPv4 */
    memset(q, 0, sizeof(q));
    int turn = 0;                    /* the family of the next attempt */
    int started = 0, inflight = 0;
    int64_t next_attempt = -1;       /* when another attempt may start */
    int64_t v4_wait = -1;            /* end of the resolution delay */
    int err = EADDRNOTAVAIL;         /* no address at all */
    for(;;) {
        int64_t t = dill_now();
        int ready = dill__he_pending(&q[0]) || dill__he_pending(&q[1]);
        /* Only IPv4 so far: give IPv6 its resolution delay first. */
        int delay = !started && !q[0].done && q[0].n == 0 && t < v4_wait;
        if(ready && !delay && (next_attempt < 0 || t >= next_attempt)) {
            if(!dill__he_pending(&q[turn])) turn = 1 - turn;
            struct dill__he_queue *qq = &q[turn];
            struct dill_ipaddr *a = &qq->addrs[qq->next++];
            if(dill_bundle_go(attempts, dill__he_attempt(a, results[1], deadline)) < 0)
                return -1;
            started++;
            inflight++;
            turn = 1 - turn;
            next_attempt = t + DILL__HE_ATTEMPT_DELAY;
            continue;
        }
        if(!ready && inflight == 0 && q[0].done && q[1].done) {
            /* The resolvers may have given up at the deadline. */
            errno = deadline >= 0 && dill_now() >= deadline ? ETIMEDOUT : err;
            return -1;
        }
        /* Wait for an address, a result, or the time of the next attempt. */
        int64_t mine = ready ? (delay ? v4_wait : next_attempt) : -1;
        int64_t wake = deadline;
        if(mine >= 0 && (wake < 0 || mine < wake)) wake = mine;
        struct dill__he_found f;
        struct dill__he_result r;
        struct dill_chclause cl[2] = {
            {DILL_CHRECV, found[0], &f, sizeof(f)},
            {DILL_CHRECV, results[0], &r, sizeof(r)},
        };
        int which = dill_choose(cl, 2, wake);
        if(which < 0) {
            if(errno == ETIMEDOUT && wake != deadline) continue;
            return -1;
        }
        if(which == 0) {
            struct dill__he_queue *qq = &q[f.family == AF_INET6 ? 0 : 1];
            if(f.end) {
                qq->done = 1;
            } else if(qq->n < DILL__HE_MAXADDRS) {
                qq->addrs[qq->n++] = f.addr;
                if(f.family == AF_INET && v4_wait < 0)
                    v4_wait = dill_now() + DILL__HE_RESOLUTION_DELAY;
            }
            continue;
        }
        /* An attempt finished. */
        inflight--;
        if(r.h >= 0) return r.h;
        err = r.err;
        next_attempt = -1;     /* a failure starts the next attempt at once */
    }
}

int dill_happyeyeballs_connect(const char *name, int port, int64_t deadline) {
    if(dill__slow(!name || port < 0 || port > 0xffff)) {errno = EINVAL; return -1;}
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    /* A numeric address needs no race. */
    struct dill_ipaddr lit;
    if(dill__ipaddr_literal(&lit, name, port, DILL_IPADDR_PREF_IPV6) == 0)
        return dill_tcp_connect(&lit, deadline);
    int found[2] = {-1, -1}, results[2] = {-1, -1};
    int resolvers = -1, attempts = -1;
    int rc = -1;
    if(dill_chmake(found) == 0 && dill_chmake(results) == 0 &&
          (resolvers = dill_bundle()) >= 0 && (attempts = dill_bundle()) >= 0) {
        /* The resolvers borrow `name`: closing their bundle below cancels
           them before this function returns. */
        rc = dill__he_race(name, port, found, results, resolvers, attempts,
            deadline);
    }
    int err = errno;
    int hs[] = {attempts, resolvers, results[0], results[1], found[0], found[1]};
    for(size_t i = 0; i < sizeof(hs) / sizeof(hs[0]); i++)
        if(hs[i] >= 0) dill_hclose(hs[i]);
    errno = err;
    return rc;
}
