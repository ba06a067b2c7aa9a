/* Program entry: a C program's main() runs as the first coroutine. */
#include <stdlib.h>
#include <emscripten.h>

#include "cr.h"

int main(int argc, char **argv);

static int dill__argc;
static char **dill__argv;

static void dill__main_entry(struct dill__cr *cr) {
    (void)cr;
    exit(main(dill__argc, dill__argv));
}

/* Called by the JS driver instead of emscripten's callMain. */
EMSCRIPTEN_KEEPALIVE struct dill__ctx *dill__main_start(int argc, char **argv) {
    dill__argc = argc;
    dill__argv = argv;
    struct dill__cr *cr = dill__cr_root(dill__main_entry, NULL);
    if(!cr) abort();
    dill__running = cr;
    return &cr->ctx;
}
