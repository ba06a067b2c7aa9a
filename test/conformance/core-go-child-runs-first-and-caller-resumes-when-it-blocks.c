/* go() runs the new coroutine at once; the caller resumes when it blocks. */
#include <assert.h>
#include "libdill.h"

static char trace[16];
static int pos;

coroutine static void child(int ch) {
    trace[pos++] = 'c';
    int v;
    assert(chrecv(ch, &v, sizeof(v), -1) == 0);
    trace[pos++] = 'C';
}

int main(void) {
    int ch[2];
    assert(chmake(ch) == 0);
    trace[pos++] = 'm';
    int h = go(child(ch[1]));
    assert(h >= 0);
    trace[pos++] = 'M';
    int v = 1;
    assert(chsend(ch[0], &v, sizeof(v), -1) == 0);
    assert(bundle_wait(h, -1) == 0);
    trace[pos] = 0;
    assert(trace[0] == 'm' && trace[1] == 'c' && trace[2] == 'M' && trace[3] == 'C');
    assert(hclose(h) == 0);
    return 0;
}
