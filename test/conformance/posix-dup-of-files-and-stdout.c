/* dup/dup2 of descriptors that are not sockets: a file (the copy shares
   nothing the caller can break by closing the original), standard output,
   and a descriptor that is not open (EBADF).  Never a crash. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    char path[] = "/tmp/dill-dup-XXXXXX";
    int f = mkstemp(path);
    assert(f >= 0);
    int g = dup(f);
    assert(g >= 0 && g != f);
    assert(close(f) == 0);
    assert(write(g, "dup", 3) == 3);
    int h = dup2(g, 20);
    assert(h == 20);
    assert(write(h, "2", 1) == 1);
    assert(close(g) == 0 && close(h) == 0);
    int r = open(path, O_RDONLY);
    char buf[8] = {0};
    assert(read(r, buf, sizeof(buf)) >= 1);
    close(r);
    unlink(path);

    /* stdout: either a working copy or an error code, never a crash */
    int o = dup(1);
    assert(o >= 0 || errno != 0);
    if(o >= 0) close(o);

    assert(dup(999) == -1 && errno == EBADF);
    assert(dup2(999, 30) == -1 && errno == EBADF);
    return 0;
}
