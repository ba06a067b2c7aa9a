/* The drain of an orderly close (see drain.h). */
#include <errno.h>

#include "../include/libdill.h"
#include "cr.h"
#include "drain.h"
#include "utils.h"

int dill__drain_step(struct dill__drain *d, size_t n) {
    /* Each read counts for 16 bytes more than it took: its framing. */
    size_t cost = n + 16;
    if(d->deadline >= 0 && (d->late || dill__now() >= d->deadline)) {
        d->late += cost;
        if(d->late > DILL__DRAIN_LATE) {errno = ETIMEDOUT; return -1;}
    }
    /* The peer's data may never stop being there: the others run now and
       then (this also lets Node's event loop turn, see dill_yield). */
    d->turn += cost;
    if(d->turn < DILL__DRAIN_TURN) return 0;
    d->turn = 0;
    return dill_yield();
}
