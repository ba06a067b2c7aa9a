/* Shared by the conformance programs that provoke ENOMEM: run the heap dry
   with a chain of malloc'd chunks, then give the memory back. */
#ifndef OOM_HELPERS_H
#define OOM_HELPERS_H

#include <stdlib.h>

struct chunk { struct chunk *next; };

/* Mallocs chunks of 64 MiB, halving the size whenever malloc fails, until
   not even a chunk header fits; returns the chain for release_memory. */
static inline struct chunk *exhaust_memory(void) {
    struct chunk *chunks = NULL;
    size_t size = (size_t)64 << 20;
    while(size >= sizeof(struct chunk)) {
        struct chunk *q = malloc(size);
        if(!q) { size /= 2; continue; }
        q->next = chunks;
        chunks = q;
    }
    return chunks;
}

/* Frees every chunk of a chain from exhaust_memory. */
static inline void release_memory(struct chunk *chunks) {
    while(chunks) {
        struct chunk *next = chunks->next;
        free(chunks);
        chunks = next;
    }
}

#endif
