/*
 * Baseline: a bare emscripten_fiber_swap between two fibers (no libdill).
 * Built with plain emcc -sASYNCIFY.  Prints {"name":..., "ns": ns per swap}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <emscripten.h>
#include <emscripten/fiber.h>

static emscripten_fiber_t main_fiber, other_fiber;
static long n;

static void other(void *arg) {
    for(;;) emscripten_fiber_swap(&other_fiber, &main_fiber);
}

int main(int argc, char **argv) {
    n = argc > 1 ? atol(argv[1]) : 200000;
    static char astack1[16384], astack2[16384];
    static char cstack[65536];
    emscripten_fiber_init_from_current_context(&main_fiber, astack1, sizeof(astack1));
    emscripten_fiber_init(&other_fiber, other, NULL, cstack, sizeof(cstack),
        astack2, sizeof(astack2));
    double t0 = emscripten_get_now();
    for(long i = 0; i < n; i++) emscripten_fiber_swap(&main_fiber, &other_fiber);
    double t1 = emscripten_get_now();
    /* Each iteration is two swaps: there and back. */
    printf("{\"name\":\"bare emscripten_fiber_swap\",\"ns\":%.1f,\"ops\":%ld}\n",
        (t1 - t0) * 1e6 / (2 * n), 2 * n);
    return 0;
}
