/* Internal: the handle table. */
#ifndef DILL_HANDLE_H_INCLUDED
#define DILL_HANDLE_H_INCLUDED

#include "../include/libdillimpl.h"

/* Like dill_hmake but never fails with ECANCELED (used by constructors). */
int dill__hmake(struct dill_hvfs *vfs);

/* Makes sure the next dill__hmake finds a free slot (the table grows on the
   heap): 0, or -1 with ENOMEM.  For a caller that must not fail after an
   irreversible step (accepting a connection, creating a socket file). */
int dill__hreserve(void);

/* The object behind a handle, or NULL with errno EBADF. */
struct dill_hvfs *dill__hvfs(int h);
/* The interface `type` of handle h, or NULL with errno EBADF or ENOTSUP. */
void *dill__hquery(int h, const void *type);
/* dill__hmake for an object that is freed (if `owned`) when that fails. */
int dill__hmake_owned(struct dill_hvfs *vfs, void *obj, int owned);
/* Frees the handle number without closing the object. */
void dill__hdrop(int h);

#endif
