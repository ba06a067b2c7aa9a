/*
 * The benchmarks' clock, in ms: emscripten_get_now() under Emscripten,
 * CLOCK_MONOTONIC natively (bench/run.js builds the C benchmarks against
 * native libdill too, with ../shared/oracle/dill-native cc, where the
 * oracle is).
 */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
static inline double clock_ms(void) {return emscripten_get_now();}
#else
#include <time.h>
static inline double clock_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
#endif

#endif
