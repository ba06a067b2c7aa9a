/* Handles: small integers naming objects that implement struct dill_hvfs.

   Numbers rotate, as upstream's do: a number freed by hclose goes to the end
   of a first-in first-out list of free numbers, and the table grows (256
   slots, then doubling) rather than let fewer than DILL__HKEEP numbers stay
   free.  So a just-closed number is not handed out again before the other
   free ones, and a use after close gives EBADF instead of reaching the next
   object.  (Upstream loses the free slots left at each growth while still
   counting them, so once its table has grown a just-closed number can come
   straight back; ours keeps them, behind the new slots.)

   Each slot remembers the last interface hquery found (the manual: query
   results are cachable), as upstream does: a repeated hquery of the same
   type does not call the query function again. */
#include <errno.h>
#include <stdlib.h>

#include "handle.h"
#include "cr.h"
#include "utils.h"

#define DILL__HKEEP 8

struct dill__hslot {
    struct dill_hvfs *vfs;   /* NULL if the slot is free */
    int next;                /* next free slot, -1 at the end */
    const void *type;        /* the last type hquery answered (NULL: none) */
    void *ptr;               /* and its answer */
};

static struct dill__hslot *dill__slots;
static int dill__nslots;
static int dill__head = -1, dill__tail = -1;  /* the free list, oldest first */
static int dill__nfree;

int dill__hreserve(void) {
    if(dill__nfree > DILL__HKEEP) return 0;
    int n = dill__nslots ? dill__nslots * 2 : 256;
    struct dill__hslot *s = realloc(dill__slots, n * sizeof(*s));
    if(dill__slow(!s)) {errno = ENOMEM; return -1;}
    /* The new slots go first, so the numbers kept free come after them. */
    for(int i = dill__nslots; i < n; i++) {
        s[i].vfs = NULL;
        s[i].next = i + 1 < n ? i + 1 : dill__head;
    }
    if(dill__head < 0) dill__tail = n - 1;
    dill__head = dill__nslots;
    dill__nfree += n - dill__nslots;
    dill__slots = s;
    dill__nslots = n;
    return 0;
}

int dill__hmake(struct dill_hvfs *vfs) {
    if(dill__slow(!vfs || !vfs->query || !vfs->close)) {errno = EINVAL; return -1;}
    if(dill__slow(dill__hreserve() < 0)) return -1;
    int h = dill__head;
    dill__head = dill__slots[h].next;
    if(dill__head < 0) dill__tail = -1;
    dill__nfree--;
    dill__slots[h].vfs = vfs;
    dill__slots[h].type = NULL;
    dill__slots[h].ptr = NULL;
    return h;
}

int dill__hmake_owned(struct dill_hvfs *vfs, void *obj, int owned) {
    int h = dill__hmake(vfs);
    if(dill__slow(h < 0) && owned) {
        int err = errno;
        free(obj);
        errno = err;
    }
    return h;
}

int dill_hmake(struct dill_hvfs *vfs) {
    if(dill__slow(dill__cr_canceled())) {errno = ECANCELED; return -1;}
    return dill__hmake(vfs);
}

struct dill_hvfs *dill__hvfs(int h) {
    if(dill__slow(h < 0 || h >= dill__nslots || !dill__slots[h].vfs)) {
        errno = EBADF;
        return NULL;
    }
    return dill__slots[h].vfs;
}

void dill__hdrop(int h) {
    dill__slots[h].vfs = NULL;
    dill__slots[h].next = -1;
    if(dill__tail >= 0) dill__slots[dill__tail].next = h;
    else dill__head = h;
    dill__tail = h;
    dill__nfree++;
}

void *dill__hquery(int h, const void *type) {
    struct dill_hvfs *vfs = dill__hvfs(h);
    if(dill__slow(!vfs)) return NULL;
    struct dill__hslot *slot = &dill__slots[h];
    if(type && slot->type == type) return slot->ptr;
    /* A NULL answer leaves errno as the query function left it. */
    void *p = vfs->query(vfs, type);
    /* The query may have made or closed handles: look at the slot again. */
    if(p && type && dill__slots[h].vfs == vfs) {
        dill__slots[h].type = type;
        dill__slots[h].ptr = p;
    }
    return p;
}

void *dill_hquery(int h, const void *type) {
    return dill__hquery(h, type);
}

int dill_hown(int h) {
    struct dill_hvfs *vfs = dill__hvfs(h);
    if(dill__slow(!vfs)) return -1;
    /* Take the new number before freeing the old one, so they differ. */
    int nh = dill__hmake(vfs);
    if(dill__slow(nh < 0)) {
        /* As documented: if the transfer fails, the object is closed. */
        int err = errno;
        dill__hdrop(h);
        vfs->close(vfs);
        errno = err;
        return -1;
    }
    dill__hdrop(h);
    return nh;
}

int dill_hclose(int h) {
    struct dill_hvfs *vfs = dill__hvfs(h);
    if(dill__slow(!vfs)) return -1;
    /* Drop the number first: the close function may block (bundles) and the
       handle must not be usable meanwhile. */
    dill__hdrop(h);
    vfs->close(vfs);
    return 0;
}
