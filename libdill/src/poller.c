/*
 * fdin(), fdout() and fdclean(): coroutines waiting on OS-level descriptors.
 *
 * The descriptors are the platform's (platform/platform.h); it tells us
 * when a watched descriptor may have become ready, and dill__fds_fire()
 * (called by the scheduler when idle) wakes the waiters.
 */
#include <errno.h>
#include <stdlib.h>

#include "../include/libdill.h"
#include "cr.h"
#include "platform/platform.h"
#include "utils.h"

/* Waiters of one descriptor, one list per direction. */
struct dill__fdwaiters {
    struct dill__list in;
    struct dill__list out;
};

static struct dill__fdwaiters *dill__fdw;
static int dill__nfdw;

static struct dill__fdwaiters *dill__fdslot(int fd) {
    if(fd >= dill__nfdw) {
        int n = dill__nfdw ? dill__nfdw : 64;
        while(n <= fd) n *= 2;
        struct dill__fdwaiters *w = realloc(dill__fdw, n * sizeof(*w));
        if(!w) return NULL;
        for(int i = dill__nfdw; i < n; i++) {
            dill__list_init(&w[i].in);
            dill__list_init(&w[i].out);
        }
        /* The lists point at themselves: fix up the moved ones. */
        for(int i = 0; i < dill__nfdw; i++) {
            struct dill__list *ls[2] = {&w[i].in, &w[i].out};
            for(int j = 0; j < 2; j++) {
                if(ls[j]->next == (j ? &dill__fdw[i].out : &dill__fdw[i].in)) {
                    dill__list_init(ls[j]);
                } else {
                    ls[j]->next->prev = ls[j];
                    ls[j]->prev->next = ls[j];
                }
            }
        }
        dill__fdw = w;
        dill__nfdw = n;
    }
    return &dill__fdw[fd];
}

int dill__fds_waiting;

static int dill__fdwait(int fd, int dir, int64_t deadline) {
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    int st = fd < 0 ? -1 : dill__js_fd_check(fd, dir);
    if(dill__slow(st < 0)) {errno = EBADF; return -1;}
    struct dill__fdwaiters *w = dill__fdslot(fd);
    if(dill__slow(!w)) {errno = ENOMEM; return -1;}
    struct dill__list *list = dir == DILL__FD_IN ? &w->in : &w->out;
    if(dill__slow(!dill__list_empty(list))) {errno = EBUSY; return -1;}
    if(st > 0) return 0;
    if(deadline == 0) {errno = ETIMEDOUT; return -1;}
    struct dill__clause cl;
    dill__js_fd_watch(fd, dir, 1);
    dill__waitfor(&cl, 0, list);
    dill__fds_waiting++;
    int rc = dill__wait(deadline);
    int err = errno;
    dill__fds_waiting--;
    dill__js_fd_watch(fd, dir, 0);
    errno = err;
    return rc < 0 ? -1 : 0;
}

int dill_fdin(int fd, int64_t deadline) {
    return dill__fdwait(fd, DILL__FD_IN, deadline);
}

int dill_fdout(int fd, int64_t deadline) {
    return dill__fdwait(fd, DILL__FD_OUT, deadline);
}

/* Always 0, as upstream's: there is nothing to drop for a descriptor that
   nobody waited on, is closed, or cannot exist (upstream indexes its table
   with fd unchecked, and crashes for fd < -1 or fd >= RLIMIT_NOFILE). */
int dill_fdclean(int fd) {
    if(fd < 0 || fd >= dill__nfdw) return 0;
    struct dill__fdwaiters *w = &dill__fdw[fd];
    /* Nobody should be waiting; if somebody is, it learns the fd is gone. */
    while(!dill__list_empty(&w->in))
        dill__trigger(dill__cont(w->in.next, struct dill__clause, item), EBADF);
    while(!dill__list_empty(&w->out))
        dill__trigger(dill__cont(w->out.next, struct dill__clause, item), EBADF);
    dill__js_fd_clean(fd);
    return 0;
}

int dill__fds_fire(void) {
    int total = 0;
    int ev[64];
    for(;;) {
        int n = dill__js_fd_events(ev, 32);
        for(int i = 0; i < n; i++) {
            int fd = ev[2 * i], mask = ev[2 * i + 1];
            if(fd >= dill__nfdw) continue;
            struct dill__fdwaiters *w = &dill__fdw[fd];
            if((mask & DILL__FD_IN) && !dill__list_empty(&w->in))
                dill__trigger(dill__cont(w->in.next, struct dill__clause, item), 0);
            if((mask & DILL__FD_OUT) && !dill__list_empty(&w->out))
                dill__trigger(dill__cont(w->out.next, struct dill__clause, item), 0);
        }
        total += n;
        if(n < 32) return total;
    }
}
