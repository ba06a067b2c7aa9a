/*
 * The C stack pointer (Emscripten: the __stack_pointer global).  Tiny
 * functions: the optimizer inlines them into the switch path, where they
 * spare the driver a call into wasm from JS per switch.
 */
#include <emscripten/stack.h>

#include "platform.h"

/* compiler-rt's (stack_ops.S), which Emscripten's stack.h does not declare. */
void stackRestore(uintptr_t sp);

uintptr_t dill__sp_get(void) {
    return emscripten_stack_get_current();
}

void dill__sp_set(uintptr_t sp) {
    stackRestore(sp);
}
