/* virtio-rng device (VIRTIO 1.2 section 5.4). */
#include "dev/virtio_rng.h"

#include <string.h>

#include "host/host.h"

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
            if (!p || host_random(p, n) != 0)
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
