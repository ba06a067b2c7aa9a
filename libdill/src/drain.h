/*
 * Internal: the end of an orderly close (ipc_close, tcp_close, term_detach,
 * ws_detach, tls_detach), where what the peer still sends is read and
 * dropped until its end (EOF, its terminal message, its close frame or
 * close_notify).
 *
 * Such a loop only waits when the peer's data is not there yet, so the
 * deadline alone would never stop it against a peer that never stops
 * sending fast enough (another process, a socket's backlog).  Every read that
 * did not end the stream goes through dill__drain_step, which is the one
 * place where the deadline holds against that peer and where the coroutine
 * lets the others run.
 */
#ifndef DILL_DRAIN_H_INCLUDED
#define DILL_DRAIN_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

/* What may still be read once the deadline has passed (each read counting
   16 bytes more than it took, for its framing): more than a socket holds
   by default, so that, as natively, a peer's data and end that are already
   there are read through even with deadline 0. */
#define DILL__DRAIN_LATE (1024 * 1024)
/* What is read between two turns given to the other coroutines. */
#define DILL__DRAIN_TURN (64 * 1024)

struct dill__drain {
    int64_t deadline;
    size_t late;       /* what was read since the deadline was seen passed */
    size_t turn;       /* what was read since the others last ran */
};

static inline void dill__drain_start(struct dill__drain *d, int64_t deadline) {
    d->deadline = deadline;
    d->late = 0;
    d->turn = 0;
}

/* After a read of n bytes that did not end the peer's stream: 0 to read on,
   or -1 with errno ETIMEDOUT (the deadline has passed and the peer is still
   sending) or ECANCELED. */
int dill__drain_step(struct dill__drain *d, size_t n);

#endif
