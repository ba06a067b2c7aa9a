/* Once malloc() has taken all the heap, chmake() fails with -1/ENOMEM
   rather than crashing; channels made before keep working and chmake()
   succeeds again after the memory is given back.

   Depends on our build: it exhausts the heap with malloc(), which is
   bounded by WebAssembly's 4 GiB; natively the kernel overcommits and the
   loop runs until the time limit (or the OOM killer). */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include "libdill.h"

#define MAXCH 4000000

struct chunk { struct chunk *next; };

coroutine static void sender(int ch, int v) {
    assert(chsend(ch, &v, sizeof(v), -1) == 0);
}

int main(void) {
    int first[2];
    assert(chmake(first) == 0);
    /* start the coroutine before memory is exhausted: it needs a stack */
    int cr = go(sender(first[1], 1234));
    assert(cr >= 0);

    struct chunk *chunks = NULL;
    size_t size = (size_t)64 << 20;
    while(size >= sizeof(struct chunk)) {
        struct chunk *p = malloc(size);
        if(!p) { size /= 2; continue; }
        p->next = chunks;
        chunks = p;
    }

    int n = 0, rc, ch[2];
    while(n < MAXCH && (rc = chmake(ch)) == 0) n++;
    assert(n < MAXCH);
    assert(rc == -1 && errno == ENOMEM);

    int v = 0;
    assert(chrecv(first[0], &v, sizeof(v), -1) == 0 && v == 1234);

    while(chunks) {
        struct chunk *next = chunks->next;
        free(chunks);
        chunks = next;
    }
    assert(chmake(ch) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    assert(hclose(cr) == 0);
    assert(hclose(first[0]) == 0 && hclose(first[1]) == 0);
    return 0;
}
