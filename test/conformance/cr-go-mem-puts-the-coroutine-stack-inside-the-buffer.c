/* go_mem() and bundle_go_mem() really run the coroutine on the supplied
   memory: the address of a local array in the coroutine lies inside the
   buffer, and canary bytes just outside the buffer stay untouched. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "libdill.h"

#define LEN 32768
#define GUARD 256

static unsigned char arena[GUARD + LEN + GUARD];

static uintptr_t seen_addr;

coroutine static void probe(int ch) {
    char local[512];
    memset(local, 0x5a, sizeof(local));
    seen_addr = (uintptr_t)local;
    int v;
    assert(chrecv(ch, &v, sizeof(v), -1) == 0);
    for(size_t i = 0; i < sizeof(local); i++) assert(local[i] == 0x5a);
}

static void check_guards(void) {
    for(int i = 0; i < GUARD; i++) {
        assert(arena[i] == 0xee);
        assert(arena[GUARD + LEN + i] == 0xee);
    }
}

int main(void) {
    memset(arena, 0xee, sizeof(arena));
    unsigned char *mem = arena + GUARD;
    int ch[2];
    assert(chmake(ch) == 0);
    int v = 1;

    int h = go_mem(probe(ch[0]), mem, LEN);
    assert(h >= 0);
    assert(seen_addr >= (uintptr_t)mem && seen_addr + 512 <= (uintptr_t)mem + LEN);
    assert(chsend(ch[1], &v, sizeof(v), -1) == 0);
    assert(bundle_wait(h, -1) == 0);
    assert(hclose(h) == 0);
    check_guards();

    seen_addr = 0;
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go_mem(b, probe(ch[0]), mem, LEN) == 0);
    assert(seen_addr >= (uintptr_t)mem && seen_addr + 512 <= (uintptr_t)mem + LEN);
    assert(chsend(ch[1], &v, sizeof(v), -1) == 0);
    assert(bundle_wait(b, -1) == 0);
    assert(hclose(b) == 0);
    check_guards();

    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
