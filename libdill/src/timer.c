/* The clock, msleep() and the deadline heap shared by every blocking call. */
#include <errno.h>
#include <stdlib.h>

#include "../include/libdill.h"
#include "cr.h"
#include "platform/platform.h"
#include "utils.h"

int64_t dill__now(void) {
    return (int64_t)dill__js_now();
}

int64_t dill_now(void) {
    return dill__now();
}

/* Binary min-heap of timers ordered by deadline. */
static struct dill__timer **dill__heap;
static int dill__nheap, dill__heapcap;

static void dill__heap_set(int i, struct dill__timer *t) {
    dill__heap[i] = t;
    t->idx = i;
}

static void dill__heap_up(int i) {
    struct dill__timer *t = dill__heap[i];
    while(i > 0) {
        int p = (i - 1) / 2;
        if(dill__heap[p]->deadline <= t->deadline) break;
        dill__heap_set(i, dill__heap[p]);
        i = p;
    }
    dill__heap_set(i, t);
}

static void dill__heap_down(int i) {
    struct dill__timer *t = dill__heap[i];
    for(;;) {
        int c = 2 * i + 1;
        if(c >= dill__nheap) break;
        if(c + 1 < dill__nheap &&
              dill__heap[c + 1]->deadline < dill__heap[c]->deadline)
            c++;
        if(t->deadline <= dill__heap[c]->deadline) break;
        dill__heap_set(i, dill__heap[c]);
        i = c;
    }
    dill__heap_set(i, t);
}

void dill__timer_add(struct dill__timer *t, int64_t deadline) {
    if(dill__slow(dill__nheap == dill__heapcap)) {
        int cap = dill__heapcap ? dill__heapcap * 2 : 64;
        struct dill__timer **h = realloc(dill__heap, cap * sizeof(*h));
        /* Without room for the timer the wait simply has no deadline. */
        if(dill__slow(!h)) return;
        dill__heap = h;
        dill__heapcap = cap;
    }
    t->deadline = deadline;
    dill__heap_set(dill__nheap++, t);
    dill__heap_up(t->idx);
}

void dill__timer_rm(struct dill__timer *t) {
    int i = t->idx;
    t->idx = -1;
    struct dill__timer *last = dill__heap[--dill__nheap];
    if(last == t) return;
    dill__heap_set(i, last);
    dill__heap_up(i);
    dill__heap_down(last->idx);
}

int dill__timers_fire(int64_t now) {
    int n = 0;
    while(dill__nheap && dill__heap[0]->deadline <= now) {
        struct dill__timer *t = dill__heap[0];
        dill__timer_rm(t);
        dill__cr_timeout(t);
        n++;
    }
    return n;
}

int64_t dill__timers_next(void) {
    return dill__nheap ? dill__heap[0]->deadline : -1;
}

int dill_msleep(int64_t deadline) {
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    /* As upstream, a deadline already past (0 included) is still a wait:
       the coroutines ready before this one run first, and it wakes when
       the scheduler next looks at the timers. */
    if(deadline == 0) deadline = 1;
    if(dill__wait(deadline) < 0 && errno != ETIMEDOUT) return -1;
    return 0;
}
