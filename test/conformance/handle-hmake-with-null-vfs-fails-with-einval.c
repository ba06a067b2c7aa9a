/* hmake(NULL) fails with -1 and errno EINVAL. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include "libdillimpl.h"

int main(void) {
    errno = 0;
    int h = hmake(NULL);
    assert(h == -1);
    assert(errno == EINVAL);
    return 0;
}
