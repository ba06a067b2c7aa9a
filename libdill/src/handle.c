/* Handles: small integers naming objects that implement struct dill_hvfs. */
#include <errno.h>
#include <stdlib.h>

#include "handle.h"
#include "cr.h"
#include "utils.h"

struct dill__hslot {
    struct dill_hvfs *vfs;   /* NULL if the slot is free */
    int next;                /* next free slot, -1 at the end */
};

static struct dill__hslot *dill__slots;
static int dill__nslots;
static int dill__free = -1;

int dill__hreserve(void) {
    if(dill__free >= 0) return 0;
    int n = dill__nslots ? dill__nslots * 2 : 256;
    struct dill__hslot *s = realloc(dill__slots, n * sizeof(*s));
    if(dill__slow(!s)) {errno = ENOMEM; return -1;}
    for(int i = n - 1; i >= dill__nslots; i--) {
        s[i].vfs = NULL;
        s[i].next = dill__free;
        dill__free = i;
    }
    dill__slots = s;
    dill__nslots = n;
    return 0;
}

int dill__hmake(struct dill_hvfs *vfs) {
    if(dill__slow(!vfs || !vfs->query || !vfs->close)) {errno = EINVAL; return -1;}
    if(dill__slow(dill__hreserve() < 0)) return -1;
    int h = dill__free;
    dill__free = dill__slots[h].next;
    dill__slots[h].vfs = vfs;
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
    dill__slots[h].next = dill__free;
    dill__free = h;
}

void *dill__hquery(int h, const void *type) {
    struct dill_hvfs *vfs = dill__hvfs(h);
    if(dill__slow(!vfs)) return NULL;
    int saved = errno;
    errno = 0;
    void *p = vfs->query(vfs, type);
    if(dill__slow(!p)) {
        if(errno == 0) errno = ENOTSUP;
        return NULL;
    }
    errno = saved;
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
