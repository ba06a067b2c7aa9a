/* msend/mrecv and friends: check the arguments, then call the socket's
   struct dill_msock_vfs (found with hquery). */
#include <errno.h>

#include "../include/libdillimpl.h"
#include "bsock.h"
#include "cr.h"
#include "handle.h"
#include "utils.h"

static const int dill__msock_type_placeholder = 0;
const void *dill_msock_type = &dill__msock_type_placeholder;

int dill_msendl(int s, struct dill_iolist *first, struct dill_iolist *last,
      int64_t deadline) {
    struct dill_msock_vfs *m = dill__hquery(s, dill_msock_type);
    if(dill__slow(!m)) return -1;
    if(dill__slow(dill__iol_check(first, last, NULL) < 0)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    return m->msendl(m, first, last, deadline);
}

/* With first and last both NULL the message is received and dropped, as it
   is by items with a NULL base (skip items, of any length). */
ssize_t dill_mrecvl(int s, struct dill_iolist *first, struct dill_iolist *last,
      int64_t deadline) {
    struct dill_msock_vfs *m = dill__hquery(s, dill_msock_type);
    if(dill__slow(!m)) return -1;
    if(first || last) {
        if(dill__slow(dill__iol_check_recv(first, last) < 0)) return -1;
    }
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    return m->mrecvl(m, first, last, deadline);
}

int dill_msend(int s, const void *buf, size_t len, int64_t deadline) {
    struct dill_msock_vfs *m = dill__hquery(s, dill_msock_type);
    if(dill__slow(!m)) return -1;
    if(dill__slow(!buf && len)) {errno = EFAULT; return -1;}
    if(dill__slow(dill__buf_check(buf, len) < 0)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    struct dill_iolist iol = {(void*)buf, len, NULL, 0};
    return m->msendl(m, &iol, &iol, deadline);
}

ssize_t dill_mrecv(int s, void *buf, size_t len, int64_t deadline) {
    struct dill_msock_vfs *m = dill__hquery(s, dill_msock_type);
    if(dill__slow(!m)) return -1;
    /* NULL: a message of at most len bytes is received and dropped. */
    if(dill__slow(buf && dill__buf_check(buf, len) < 0)) return -1;
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    struct dill_iolist iol = {buf, len, NULL, 0};
    return m->mrecvl(m, &iol, &iol, deadline);
}
