/* yield() hands control around in round-robin order: two coroutines that
   append to a log and yield in a loop produce a strictly alternating log. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "libdill.h"

#define ROUNDS 50

static char log_[2 * ROUNDS + 1];
static int pos;

coroutine static void stepper(char c) {
    for(int i = 0; i < ROUNDS; i++) {
        log_[pos++] = c;
        assert(yield() == 0);
    }
}

int main(void) {
    int b = bundle();
    assert(b >= 0);
    assert(bundle_go(b, stepper('a')) == 0);
    assert(bundle_go(b, stepper('b')) == 0);
    assert(bundle_wait(b, -1) == 0);
    assert(pos == 2 * ROUNDS);
    for(int i = 0; i < 2 * ROUNDS; i++)
        assert(log_[i] == (i % 2 == 0 ? 'a' : 'b'));
    assert(hclose(b) == 0);
    return 0;
}
