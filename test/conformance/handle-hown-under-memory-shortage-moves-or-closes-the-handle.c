/* When memory has run out (hmake() already fails with ENOMEM), hown() either
   succeeds as usual or fails with -1/ENOMEM -- and if it fails, the old
   handle is closed (its close function ran and the number is invalid). In
   no case is the object left reachable through two numbers or through none
   while still open.
   Depends on our build: it runs the wasm heap dry through our malloc (a
   native process would take the whole machine's memory first, and times out
   in the oracle). */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include "libdillimpl.h"

#define MAXH 4000000

struct chunk { struct chunk *next; };

static void *q(struct hvfs *vfs, const void *type) { (void)type; return vfs; }
static void filler_close(struct hvfs *vfs) { (void)vfs; }
static int victim_closes;
static void victim_close(struct hvfs *vfs) { (void)vfs; victim_closes++; }

int main(void) {
    static struct hvfs filler = { q, filler_close };
    static struct hvfs victim = { q, victim_close };
    int vh = hmake(&victim);
    assert(vh >= 0);

    struct chunk *chunks = NULL;
    size_t size = (size_t)64 << 20;
    while(size >= sizeof(struct chunk)) {
        struct chunk *p = malloc(size);
        if(!p) { size /= 2; continue; }
        p->next = chunks;
        chunks = p;
    }
    int n = 0, h;
    while(n < MAXH && (h = hmake(&filler)) >= 0) n++;
    assert(h == -1 && errno == ENOMEM);

    int t;
    errno = 0;
    int nh = hown(vh);
    if(nh >= 0) {
        assert(victim_closes == 0);
        assert(hquery(nh, &t) == &victim);
        errno = 0;
        assert(hquery(vh, &t) == NULL && errno == EBADF);
        assert(hclose(nh) == 0);
        assert(victim_closes == 1);
    } else {
        assert(nh == -1);
        assert(errno == ENOMEM);
        assert(victim_closes == 1);
        errno = 0;
        assert(hquery(vh, &t) == NULL && errno == EBADF);
    }

    while(chunks) {
        struct chunk *next = chunks->next;
        free(chunks);
        chunks = next;
    }
    return 0;
}
