/*
 * libdill-wasm: the API for implementing new handle types and protocols.
 */
#ifndef LIBDILLIMPL_H_INCLUDED
#define LIBDILLIMPL_H_INCLUDED

#include "libdill.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dill_hvfs {
    void *(*query)(struct dill_hvfs *vfs, const void *type);
    void (*close)(struct dill_hvfs *vfs);
};

DILL_EXPORT int dill_hmake(struct dill_hvfs *vfs);
DILL_EXPORT void *dill_hquery(int h, const void *type);

#if !defined DILL_DISABLE_RAW_NAMES
#define hvfs dill_hvfs
#define hmake dill_hmake
#define hquery dill_hquery
#endif

#ifdef __cplusplus
}
#endif

#endif
