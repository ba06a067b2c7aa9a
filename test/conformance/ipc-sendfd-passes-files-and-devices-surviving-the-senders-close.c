/* ipc_sendfd passes any descriptor, not only sockets: a regular file and
   a character device.  The received descriptor works even after the sender
   closed its own, as a dup does natively. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libdill.h"

int main(void) {
    int p[2];
    assert(ipc_pair(p) == 0);

    char path[] = "/tmp/dill-sendfd-XXXXXX";
    int f = mkstemp(path);
    assert(f >= 0);
    assert(ipc_sendfd(p[0], f, -1) == 0);
    assert(close(f) == 0);
    int g = ipc_recvfd(p[1], -1);
    assert(g >= 0);
    assert(write(g, "passed", 6) == 6);
    assert(close(g) == 0);
    int r = open(path, O_RDONLY);
    char buf[16] = {0};
    assert(read(r, buf, sizeof(buf)) == 6 && memcmp(buf, "passed", 6) == 0);
    close(r);
    unlink(path);

    int dn = open("/dev/null", O_WRONLY);
    assert(dn >= 0);
    assert(ipc_sendfd(p[0], dn, -1) == 0);
    assert(close(dn) == 0);
    int out = ipc_recvfd(p[1], -1);
    assert(out >= 0);
    assert(write(out, "to /dev/null\n", 13) == 13);
    assert(close(out) == 0);
    hclose(p[0]);
    hclose(p[1]);
    return 0;
}
