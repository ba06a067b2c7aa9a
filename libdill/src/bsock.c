/* bsend/brecv and friends: check the arguments, then call the socket's
   struct dill_bsock_vfs (found with hquery). */
#include <errno.h>
#include <limits.h>
#include <sys/types.h>

#include "../include/libdillimpl.h"
#include "bsock.h"
#include "cr.h"
#include "handle.h"
#include "utils.h"

static const int dill__bsock_type_placeholder = 0;
const void *dill_bsock_type = &dill__bsock_type_placeholder;
static const int dill__bsock_peek_type_placeholder = 0;
const void *dill__bsock_peek_type = &dill__bsock_peek_type_placeholder;
static const int dill__bsock_some_type_placeholder = 0;
const void *dill__bsock_some_type = &dill__bsock_some_type_placeholder;

int dill__buf_check(const void *buf, size_t len) {
    /* Longer than a ssize_t result can say (EINVAL) or past the end of
       linear memory (EFAULT): never a valid buffer, as the kernel answers
       natively (here the bytes would be read or written nowhere). */
    if(dill__slow(len > (size_t)SSIZE_MAX)) {errno = EINVAL; return -1;}
    size_t mem = __builtin_wasm_memory_size(0) * (size_t)65536;
    if(dill__slow(buf && (len > mem || (size_t)buf > mem - len))) {
        errno = EFAULT;
        return -1;
    }
    return 0;
}

static int dill__iol_walk(struct dill_iolist *first, struct dill_iolist *last,
      size_t *total, int recv) {
    if(dill__slow(!first || !last || last->iol_next)) {errno = EINVAL; return -1;}
    /* `it` walks the list; `slow` follows at half speed, so a loop makes them
       meet.  The walk must reach `last`: both in the same list. */
    size_t sum = 0;
    struct dill_iolist *it = first, *slow = first;
    for(unsigned step = 0;; step++) {
        if(dill__slow(it->iol_rsvd != 0)) {errno = EINVAL; return -1;}
        if(!it->iol_base && recv) {
            /* A skip item: that many bytes are received and dropped,
               whatever the length (SIZE_MAX included). */
        } else {
            /* Natively the kernel answers EFAULT for a NULL buffer. */
            if(dill__slow(!it->iol_base && it->iol_len)) {errno = EFAULT; return -1;}
            if(dill__slow(dill__buf_check(it->iol_base, it->iol_len) < 0)) return -1;
            sum += it->iol_len;
            /* Each length is at most SSIZE_MAX (above): the sum cannot wrap. */
            if(dill__slow(sum > (size_t)SSIZE_MAX)) {errno = EINVAL; return -1;}
        }
        if(it == last) break;
        it = it->iol_next;
        if(dill__slow(!it)) {errno = EINVAL; return -1;}
        if(step & 1) slow = slow->iol_next;
        if(dill__slow(it == slow)) {errno = EINVAL; return -1;}
    }
    if(total) *total = sum;
    return 0;
}

int dill__iol_check(struct dill_iolist *first, struct dill_iolist *last,
      size_t *total) {
    return dill__iol_walk(first, last, total, 0);
}

int dill__iol_check_recv(struct dill_iolist *first, struct dill_iolist *last) {
    return dill__iol_walk(first, last, NULL, 1);
}

int dill_bsendl(int s, struct dill_iolist *first, struct dill_iolist *last,
      int64_t deadline) {
    struct dill_bsock_vfs *b = dill__hquery(s, dill_bsock_type);
    if(dill__slow(!b)) return -1;
    if(dill__slow(dill__iol_check(first, last, NULL) < 0)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    return b->bsendl(b, first, last, deadline);
}

int dill_brecvl(int s, struct dill_iolist *first, struct dill_iolist *last,
      int64_t deadline) {
    struct dill_bsock_vfs *b = dill__hquery(s, dill_bsock_type);
    if(dill__slow(!b)) return -1;
    if(dill__slow(dill__iol_check_recv(first, last) < 0)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    return b->brecvl(b, first, last, deadline);
}

int dill_bsend(int s, const void *buf, size_t len, int64_t deadline) {
    struct dill_bsock_vfs *b = dill__hquery(s, dill_bsock_type);
    if(dill__slow(!b)) return -1;
    if(dill__slow(!buf && len)) {errno = EFAULT; return -1;}
    if(dill__slow(dill__buf_check(buf, len) < 0)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    struct dill_iolist iol = {(void*)buf, len, NULL, 0};
    return b->bsendl(b, &iol, &iol, deadline);
}

int dill_brecv(int s, void *buf, size_t len, int64_t deadline) {
    struct dill_bsock_vfs *b = dill__hquery(s, dill_bsock_type);
    if(dill__slow(!b)) return -1;
    /* NULL: skip len bytes, whatever len. */
    if(dill__slow(buf && dill__buf_check(buf, len) < 0)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    struct dill_iolist iol = {buf, len, NULL, 0};
    return b->brecvl(b, &iol, &iol, deadline);
}

ssize_t dillwasm_brecvsome(int s, void *buf, size_t len, int64_t deadline) {
    struct dill_bsock_vfs *b = dill__hquery(s, dill_bsock_type);
    if(dill__slow(!b)) return -1;
    if(dill__slow(!buf && len)) {errno = EFAULT; return -1;}
    if(dill__slow(dill__buf_check(buf, len) < 0)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    if(len == 0) return 0;
    const struct dill__bsock_some *some = dill__hquery(s, dill__bsock_some_type);
    if(some) return some->recvsome(b, buf, len, deadline);
    /* No look at what has arrived: one byte, which is at least one. */
    struct dill_iolist iol = {buf, 1, NULL, 0};
    if(dill__slow(b->brecvl(b, &iol, &iol, deadline) < 0)) return -1;
    return 1;
}
