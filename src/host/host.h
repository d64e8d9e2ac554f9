/* The host interface of the core: what the C code needs from the platform it
 * runs on (posix.c natively, wasm.c under Emscripten). */
#ifndef WVM_HOST_H
#define WVM_HOST_H

#include <stdint.h>

/* Monotonic host time in nanoseconds (arbitrary epoch). */
uint64_t host_time_ns(void);

/* Wall-clock time in nanoseconds since the Unix epoch (for the guest RTC). */
uint64_t host_wall_ns(void);

#endif
