/* Thousands of attach / exchange / hclose and attach / done / detach
   cycles, malloc'd and in the caller's memory, leave the heap where it
   was (the break does not move by more than 256 KiB over 20000 cycles). */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ws-helpers.h"

static void exchange(int c, int s) {
    char buf[8];
    int fl;
    assert(ws_send(c, WS_TEXT, "ping", 4, -1) == 0);
    assert(ws_recv(s, &fl, buf, sizeof(buf), -1) == 4);
    assert(ws_send(s, WS_BINARY, "pong", 4, -1) == 0);
    assert(ws_recv(c, &fl, buf, sizeof(buf), -1) == 4);
}

static struct ws_storage m1, m2;

static void cycle(int i) {
    int p[2];
    assert(ipc_pair(p) == 0);
    int c, s;
    if(i & 1) {
        c = ws_attach_client_mem(p[0], WS_NOHTTP, NULL, NULL, &m1, -1);
        s = ws_attach_server_mem(p[1], WS_NOHTTP, NULL, 0, NULL, 0, &m2, -1);
    } else {
        c = ws_attach_client(p[0], WS_NOHTTP, NULL, NULL, -1);
        s = ws_attach_server(p[1], WS_NOHTTP, NULL, 0, NULL, 0, -1);
    }
    assert(c >= 0 && s >= 0);
    exchange(c, s);
    if(i & 2) {
        assert(hclose(c) == 0);
        assert(hclose(s) == 0);
        return;
    }
    assert(ws_done(s, 1000, NULL, 0, -1) == 0);
    int u = ws_detach(c, 1000, "bye", 3, -1);
    assert(u >= 0);
    int v = ws_detach(s, 0, NULL, 0, -1);
    assert(v >= 0);
    assert(hclose(u) == 0);
    assert(hclose(v) == 0);
}

int main(void) {
    for(int i = 0; i < 500; i++) cycle(i);
    char *brk0 = sbrk(0);
    for(int i = 0; i < 20000; i++) cycle(i);
    char *brk1 = sbrk(0);
    assert(brk1 - brk0 < 256 * 1024);
    return 0;
}
