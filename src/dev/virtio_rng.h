/* virtio-rng, the entropy device (VIRTIO 1.2 section 5.4): one request
 * queue whose writable buffers are filled with host randomness
 * (host_random). */
#ifndef WVM_VIRTIO_RNG_H
#define WVM_VIRTIO_RNG_H

#include <stdint.h>

#include "dev/virtio_mmio.h"

#define VIRTIO_RNG_QUEUE_SIZE 64
#define VIRTIO_RNG_MAX_BYTES 65536u /* most bytes given per request */

typedef struct virtio_rng {
    virtio_mmio mmio;
    virtio_device_ops ops;
    virtio_chain chain; /* scratch */
    /* Nonzero: bytes come from a seeded generator (splitmix64 over
     * `stream`), not the host, so that runs under icount repeat exactly. */
    int deterministic;
    uint64_t stream;
} virtio_rng;

/* Map a virtio-rng device at guest-physical `base` (VIRTIO_MMIO_SIZE bytes)
 * interrupting through `irq`. Each request gets min(writable bytes,
 * VIRTIO_RNG_MAX_BYTES) random bytes. Returns 0, or -1 if the address map
 * is full. */
int virtio_rng_init(virtio_rng *r, phys_map *pm, uint64_t base, irq_line irq);

/* Save or load the device (transport section "virtio", then "rng": the
 * generator's mode and position) (core/state.h). */
struct sv_io;
void virtio_rng_state(virtio_rng *r, struct sv_io *io);

#endif
