/* Internal helpers shared by every C file of the library. */
#ifndef DILL_UTILS_H_INCLUDED
#define DILL_UTILS_H_INCLUDED

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#define dill__cont(ptr, type, member) \
    ((type*)(((char*)(ptr)) - offsetof(type, member)))
#define dill__fast(x) __builtin_expect(!!(x), 1)
#define dill__slow(x) __builtin_expect(!!(x), 0)
#define DILL__STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)

/* An object's storage: the caller's `mem`, or `size` bytes of the heap (NULL
   and ENOMEM).  Constructors take it before any step they cannot undo. */
static inline void *dill__storage(void *mem, size_t size) {
    void *p = mem ? mem : malloc(size);
    if(dill__slow(!p)) errno = ENOMEM;
    return p;
}

/* Lets go of storage from dill__storage that was not used; keeps errno. */
static inline void dill__storage_drop(void *p, const void *mem) {
    if(mem) return;
    int err = errno;
    free(p);
    errno = err;
}

/* Intrusive doubly-linked list with a sentinel. */
struct dill__list { struct dill__list *next, *prev; };

static inline void dill__list_init(struct dill__list *l) { l->next = l->prev = l; }
static inline int dill__list_empty(const struct dill__list *l) { return l->next == l; }
static inline void dill__list_insert(struct dill__list *item, struct dill__list *before) {
    item->next = before; item->prev = before->prev;
    before->prev->next = item; before->prev = item;
}
static inline void dill__list_append(struct dill__list *l, struct dill__list *item) {
    dill__list_insert(item, l);
}
static inline void dill__list_erase(struct dill__list *item) {
    item->prev->next = item->next; item->next->prev = item->prev;
    item->next = item->prev = item;
}

#endif
