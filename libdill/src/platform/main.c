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

/*
 * The bottom frame of main's coroutine, and of every coroutine go() starts
 * from main's frames.  Asyncify does not instrument it (the toolchain's
 * ASYNCIFY_REMOVE): it has no frame to save, so a switch costs one frame
 * less.  That is sound because whenever the driver calls it, entering or
 * rewinding, it calls the same function as the time before: main() until
 * main has returned (a return while unwinding is none), then exit().
 */
static void dill__main_entry(struct dill__cr *cr) {
    if(!cr->exiting) {
        int rc = main(dill__argc, dill__argv);
        if(cr->ctx.unwinding) return;
        cr->exiting = 1;
        cr->status = rc;
    }
    exit(cr->status);
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
