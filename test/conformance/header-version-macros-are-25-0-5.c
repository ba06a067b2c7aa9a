/* libdill.h announces interface version 25, revision 0, age 5, usable in
   preprocessor conditionals. */
#include <assert.h>
#include "libdill.h"

#if !defined DILL_VERSION_CURRENT || !defined DILL_VERSION_REVISION || \
    !defined DILL_VERSION_AGE
#error "version macros missing"
#endif
#if DILL_VERSION_CURRENT != 25 || DILL_VERSION_REVISION != 0 || \
    DILL_VERSION_AGE != 5
#error "wrong version"
#endif

int main(void) {
    assert(DILL_VERSION_CURRENT == 25);
    assert(DILL_VERSION_REVISION == 0);
    assert(DILL_VERSION_AGE == 5);
    /* the oldest interface still supported is current - age */
    assert(DILL_VERSION_CURRENT - DILL_VERSION_AGE == 20);
    return 0;
}
