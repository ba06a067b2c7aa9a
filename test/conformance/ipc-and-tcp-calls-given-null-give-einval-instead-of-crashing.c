/* ipc_listen and ipc_connect with a NULL path, ipc_pair with a NULL
   array, tcp_listen and tcp_connect with a NULL address fail with EINVAL.

   Upstream segfaults on each of these (it reads the path or the address
   without a check), so this program fails natively; ours answers. */
#include <assert.h>
#include "libdill.h"

int main(void) {
    assert(ipc_listen(NULL, 10) == -1 && errno == EINVAL);
    assert(ipc_connect(NULL, -1) == -1 && errno == EINVAL);
    assert(ipc_pair(NULL) == -1 && errno == EINVAL);
    assert(tcp_listen(NULL, 10) == -1 && errno == EINVAL);
    assert(tcp_connect(NULL, -1) == -1 && errno == EINVAL);
    return 0;
}
