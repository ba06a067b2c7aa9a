/* libdill.h is the first and only system-level include the program needs
   for the types in its API (int64_t, size_t, ssize_t, struct iolist), and
   including both headers twice, in either order and form, is harmless. */
#include "libdill.h"
#include "libdillimpl.h"
#include <libdill.h>
#include "libdillimpl.h"
#include "libdill.h"

static int64_t deadline_type_check;
static size_t len_check;
static ssize_t signed_len_check;

int main(void) {
    struct iolist iol = { 0, 0, 0, 0 };
    struct dill_iolist *p = &iol;
    deadline_type_check = now();
    len_check = sizeof(int64_t);
    signed_len_check = -1;
    if(p->iol_next != 0) return 1;
    if(deadline_type_check <= 0) return 1;
    if(len_check != 8) return 1;
    if(signed_len_check >= 0) return 1;
    if(msleep(0) != 0) return 1;
    return 0;
}
