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

/* Bytestream sockets: hquery(s, dill_bsock_type) returns this table. */
DILL_EXPORT extern const void *dill_bsock_type;

struct dill_bsock_vfs {
    int (*bsendl)(struct dill_bsock_vfs *vfs,
        struct dill_iolist *first, struct dill_iolist *last, int64_t deadline);
    int (*brecvl)(struct dill_bsock_vfs *vfs,
        struct dill_iolist *first, struct dill_iolist *last, int64_t deadline);
};

#if !defined DILL_DISABLE_RAW_NAMES
#define bsock_type dill_bsock_type
#define bsock_vfs dill_bsock_vfs
#endif

/* Message sockets: hquery(s, dill_msock_type) returns this table. */
DILL_EXPORT extern const void *dill_msock_type;

struct dill_msock_vfs {
    int (*msendl)(struct dill_msock_vfs *vfs,
        struct dill_iolist *first, struct dill_iolist *last, int64_t deadline);
    ssize_t (*mrecvl)(struct dill_msock_vfs *vfs,
        struct dill_iolist *first, struct dill_iolist *last, int64_t deadline);
};

#if !defined DILL_DISABLE_RAW_NAMES
#define msock_type dill_msock_type
#define msock_vfs dill_msock_vfs
#endif

#ifdef __cplusplus
}
#endif

#endif
