/* libdill.h brings in what upstream's header brings in (errno.h, setjmp.h,
   stddef.h, stdint.h, stdlib.h, unistd.h, alloca.h), so a program that uses
   malloc, free, close, alloca, setjmp, SIZE_MAX or ptrdiff_t relying on it
   compiles unchanged: this one includes nothing else. */
#include "libdill.h"

static jmp_buf env;

static void jump(int v) { longjmp(env, v); }

int main(void) {
    /* stdlib.h */
    char *p = malloc(16);
    if(!p) return 1;
    p[0] = 'x';
    free(p);
    /* unistd.h */
    int fds[2];
    if(pipe(fds) != 0) return 2;
    if(write(fds[1], "ok", 2) != 2) return 3;
    char buf[2];
    if(read(fds[0], buf, 2) != 2 || buf[0] != 'o' || buf[1] != 'k') return 4;
    if(close(fds[0]) != 0 || close(fds[1]) != 0) return 5;
    if(close(fds[0]) != -1 || errno != EBADF) return 6;   /* errno.h */
    /* alloca.h */
    char *a = alloca(64);
    a[63] = 1;
    if(a[63] != 1) return 7;
    /* stdint.h, stddef.h */
    size_t max = SIZE_MAX;
    if(max + 1 != 0) return 8;
    ptrdiff_t d = &a[63] - &a[0];
    if(d != 63) return 9;
    /* setjmp.h */
    volatile int jumped = 0;
    int v = setjmp(env);
    if(v == 0) {
        jumped = 1;
        jump(42);
        return 10;
    }
    if(v != 42 || !jumped) return 11;
    /* and the library still works after it */
    if(msleep(now() + 1) != 0) return 12;
    return 0;
}
