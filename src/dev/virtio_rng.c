/* virtio-rng device (VIRTIO 1.2 section 5.4). */
#include "dev/virtio_rng.h"

#include "core/state.h"
#include <string.h>

#include "host/host.h"

/* Fill `n` bytes: host randomness, or the deterministic stream. Returns 0
 * or -1 (host source failed). */
static int rng_fill(virtio_rng *r, uint8_t *p, uint32_t n)
{
    if (!r->deterministic)
        return host_random(p, n);
    uint64_t word = 0;
    for (uint32_t i = 0; i < n; i++) {
        if ((i & 7) == 0) { /* splitmix64 (Steele, Lea, Flood 2014) */
            uint64_t z = (r->stream += 0x9e3779b97f4a7c15ull);
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
            word = z ^ (z >> 31);
        }
        p[i] = (uint8_t)(word >> (8 * (i & 7)));
    }
    return 0;
}

static void rng_notify(void *dev, unsigned q)
{
    virtio_rng *r = dev;
    virtio_chain *c = &r->chain;
    while (virtio_pop(&r->mmio, q, c) > 0) {
        uint32_t written = 0;
        for (unsigned k = c->nr; k < c->nr + c->nw && written < VIRTIO_RNG_MAX_BYTES; k++) {
            uint32_t n = c->iov[k].len;
            if (n > VIRTIO_RNG_MAX_BYTES - written)
                n = VIRTIO_RNG_MAX_BYTES - written;
            uint8_t *p = phys_dma_write_ptr(r->mmio.pm, c->iov[k].gpa, n);
            if (!p || rng_fill(r, p, n) != 0)
                break;
            written += n;
        }
        virtio_push(&r->mmio, q, c->head, written);
    }
}

int virtio_rng_init(virtio_rng *r, phys_map *pm, uint64_t base, irq_line irq)
{
    memset(r, 0, sizeof(*r));
    r->ops = (virtio_device_ops){
        .device_id = 4,
        .num_queues = 1,
        .queue_max = VIRTIO_RNG_QUEUE_SIZE,
        .notify = {rng_notify},
    };
    return virtio_mmio_init(&r->mmio, pm, base, irq, &r->ops, r);
}

void virtio_rng_state(virtio_rng *r, sv_io *io)
{
    virtio_mmio_state(&r->mmio, io);
    if (!sv_begin(io, "rng", 1))
        return;
    SV(io, r->deterministic), SV(io, r->stream);
    sv_end(io);
}
