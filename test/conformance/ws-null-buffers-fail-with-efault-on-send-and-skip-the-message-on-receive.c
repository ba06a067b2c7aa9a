/* A NULL buffer with a nonzero length, or an iolist item with a NULL base
   and a length, fails with EFAULT in ws_send, ws_sendl and msendl before
   anything is sent (as the kernel answers such a send natively); on the
   receiving side a NULL buffer (ws_recv, with room enough for the message)
   skips the whole next message, while ws_recvl without a list is EINVAL
   and takes nothing; the socket goes on working.  Upstream libdill crashes here (it reads or writes through the
   NULL pointer: a segmentation fault), except that ws_recvl with no list
   receives the next message's header and then fails with EFAULT (the
   message lost, the socket broken).  This program fails natively for that
   reason. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

int main(void) {
    int c, s, fl;
    char buf[16];
    ws_pair(0, &c, &s);
    struct iolist nullbase = {NULL, 3, NULL, 0};
    assert(ws_send(c, WS_TEXT, NULL, 1, -1) == -1 && errno == EFAULT);
    assert(ws_sendl(c, WS_TEXT, &nullbase, &nullbase, -1) == -1 && errno == EFAULT);
    assert(msendl(c, &nullbase, &nullbase, -1) == -1 && errno == EFAULT);
    assert(ws_send(s, WS_TEXT, "hello", 5, -1) == 0);
    assert(ws_send(s, WS_TEXT, "world!", 6, -1) == 0);
    assert(ws_send(s, WS_BINARY, "third", 5, -1) == 0);
    assert(ws_recv(c, &fl, NULL, 16, -1) == 5 && fl == WS_TEXT);
    /* ws_recvl needs a list (EINVAL, nothing taken). */
    assert(ws_recvl(c, &fl, NULL, NULL, -1) == -1 && errno == EINVAL);
    assert(ws_recv(c, &fl, buf, sizeof(buf), -1) == 6 && memcmp(buf, "world!", 6) == 0);
    assert(ws_recv(c, &fl, buf, sizeof(buf), -1) == 5 && memcmp(buf, "third", 5) == 0);
    /* Nothing went out from c. */
    assert(ws_send(c, WS_TEXT, "ok", 2, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 2 && memcmp(buf, "ok", 2) == 0);
    hclose(c);
    hclose(s);
    return 0;
}
