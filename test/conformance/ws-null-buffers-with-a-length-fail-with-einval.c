/* A NULL buffer with a nonzero length, or an iolist item with a NULL base
   and a length, fails with EINVAL in ws_send, ws_sendl, msendl, ws_recv
   and ws_recvl (and no list at all in ws_recvl), before anything is sent
   or received: the socket goes on working.  Upstream libdill crashes here
   (it reads or writes through the NULL pointer: a segmentation fault),
   except that ws_recvl with no list receives the next message's header
   and then fails with EFAULT (the message lost, the socket broken); we
   return EINVAL. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "ws-helpers.h"

int main(void) {
    int c, s, fl;
    char buf[16];
    ws_pair(0, &c, &s);
    struct iolist nullbase = {NULL, 3, NULL, 0};
    assert(ws_send(c, WS_TEXT, NULL, 1, -1) == -1 && errno == EINVAL);
    assert(ws_sendl(c, WS_TEXT, &nullbase, &nullbase, -1) == -1 && errno == EINVAL);
    assert(msendl(c, &nullbase, &nullbase, -1) == -1 && errno == EINVAL);
    assert(ws_send(s, WS_TEXT, "hello", 5, -1) == 0);
    assert(ws_recv(c, &fl, NULL, 1, -1) == -1 && errno == EINVAL);
    assert(ws_recvl(c, &fl, NULL, NULL, -1) == -1 && errno == EINVAL);
    /* Nothing went out, nothing was taken. */
    assert(ws_recv(c, &fl, buf, sizeof(buf), -1) == 5 && memcmp(buf, "hello", 5) == 0);
    assert(ws_send(c, WS_TEXT, "ok", 2, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 2 && memcmp(buf, "ok", 2) == 0);
    hclose(c);
    hclose(s);
    return 0;
}
