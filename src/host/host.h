/* The host interface of the core: what the C code needs from the platform it
 * runs on (posix.c natively, wasm.c under Emscripten). */
#ifndef WVM_HOST_H
#define WVM_HOST_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic host time in nanoseconds (arbitrary epoch). */
uint64_t host_time_ns(void);

/* Fill `len` bytes at `buf` with cryptographically strong host randomness
 * (native: getrandom(2) or /dev/urandom; wasm: crypto.getRandomValues).
 * Returns 0 with the buffer filled, or -1 if the host source failed (the
 * buffer contents are then unspecified). Feeds virtio-rng (VIRTIO 1.2
 * section 5.4). */
int host_random(uint8_t *buf, size_t len);

/* Wall-clock time in nanoseconds since the Unix epoch (for the guest RTC). */
uint64_t host_wall_ns(void);

/* calloc(1, bytes) for large buffers such as guest RAM: zeroed memory that
 * the host commits only as it is touched. Native: calloc (fresh anonymous
 * mappings). Wasm: malloc, zeroing only the part that lies below the heap's
 * break before the call (memory above it was never written), instead of
 * touching every page. Free with free(). Returns NULL if out of memory. */
void *host_zalloc(size_t bytes);

#endif
