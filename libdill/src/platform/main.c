/*
 * The entry of a C program (Emscripten): the platform's driver calls
 * dill__main_start instead of Emscripten's callMain, and the program's
 * main() runs as the first coroutine, on the stack the program started on.
 */
#include <stdlib.h>
#include <emscripten.h>
#include <emscripten/stack.h>

#include "../cr.h"

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
    struct dill__cr *cr = dill__cr_root(dill__main_entry, NULL,
        emscripten_stack_get_base(), emscripten_stack_get_end());
    if(!cr) abort();
    dill__running = cr;
    return &cr->ctx;
}
