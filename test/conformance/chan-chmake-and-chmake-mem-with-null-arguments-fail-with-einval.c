/* chmake(NULL), chmake_mem(NULL, chv) and chmake_mem(&storage, NULL) all
   fail with -1 and errno EINVAL, and creating channels still works after.

   Upstream libdill checks only chmake_mem's storage (EINVAL, as here): it
   writes through a NULL handle array, so chmake(NULL) and
   chmake_mem(&storage, NULL) crash with SIGSEGV.  Bad input gets an error
   here, never a crash; this program fails natively for that reason. */
#include <assert.h>
#include <errno.h>
#include "libdill.h"

int main(void) {
    struct chstorage st;
    int ch[2];
    errno = 0;
    assert(chmake(NULL) == -1 && errno == EINVAL);
    errno = 0;
    assert(chmake_mem(NULL, ch) == -1 && errno == EINVAL);
    errno = 0;
    assert(chmake_mem(&st, NULL) == -1 && errno == EINVAL);
    assert(chmake(ch) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    assert(chmake_mem(&st, ch) == 0);
    assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
    return 0;
}
