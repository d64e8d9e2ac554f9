/* virtio-console device, single port (VIRTIO 1.2 section 5.3). */
#include "dev/virtio_console.h"

#include "core/state.h"
#include <string.h>

enum { RXQ = 0, TXQ = 1 };

size_t virtio_console_rx_push(virtio_console *c, const uint8_t *p, size_t n)
{
    size_t done = 0;
    while (done < n && virtio_pop(&c->mmio, RXQ, &c->rx_chain) > 0) {
        uint64_t k = virtio_chain_write(&c->mmio, &c->rx_chain, 0, p + done, n - done);
        virtio_push(&c->mmio, RXQ, c->rx_chain.head, (uint32_t)k);
        done += (size_t)k;
    }
    return done;
}

static void rx_notify(void *dev, unsigned q)
{
    virtio_console *c = dev;
    (void)q;
    if (c->rx_ready)
        c->rx_ready(c->opaque);
}

static void tx_notify(void *dev, unsigned q)
{
    virtio_console *c = dev;
    virtio_chain *ch = &c->tx_chain;
    while (virtio_pop(&c->mmio, q, ch) > 0) {
        for (unsigned k = 0; k < ch->nr; k++)
            if (c->tx)
                c->tx(c->opaque, ch->iov[k].p, ch->iov[k].len);
        virtio_push(&c->mmio, q, ch->head, 0);
    }
}

/* Config (section 5.3.4): le16 cols, le16 rows (VIRTIO_CONSOLE_F_SIZE), then
 * max_nr_ports and emerg_wr, whose features are not offered: they read 0. */
static uint64_t console_config_read(void *dev, uint32_t off, unsigned size)
{
    virtio_console *c = dev;
    uint8_t cfg[12] = {(uint8_t)c->cols, (uint8_t)(c->cols >> 8), (uint8_t)c->rows, (uint8_t)(c->rows >> 8)};
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)cfg[off + i] << (8 * i);
    return v;
}

/* Linux reads the size only on a configuration-change interrupt: send one
 * as soon as the driver is up. */
static void console_driver_ok(void *dev)
{
    virtio_console *c = dev;
    if (c->cols || c->rows)
        virtio_notify_config(&c->mmio);
}

void virtio_console_set_size(virtio_console *c, uint16_t cols, uint16_t rows)
{
    if (cols == c->cols && rows == c->rows)
        return;
    c->cols = cols;
    c->rows = rows;
    virtio_notify_config(&c->mmio);
}

int virtio_console_init(virtio_console *c, phys_map *pm, uint64_t base, irq_line irq,
                        void (*tx)(void *opaque, const uint8_t *p, size_t n),
                        void (*rx_ready)(void *opaque), void *opaque)
{
    memset(c, 0, sizeof(*c));
    c->tx = tx;
    c->rx_ready = rx_ready;
    c->opaque = opaque;
    c->ops = (virtio_device_ops){
        .device_id = 3,
        .features = 1ull << VIRTIO_CONSOLE_F_SIZE,
        .config_size = 12,
        .config_read = console_config_read,
        .driver_ok = console_driver_ok,
        .num_queues = 2,
        .queue_max = VIRTIO_CONSOLE_QUEUE_SIZE,
        .notify = {rx_notify, tx_notify},
    };
    return virtio_mmio_init(&c->mmio, pm, base, irq, &c->ops, c);
}

void virtio_console_state(virtio_console *c, sv_io *io)
{
    virtio_mmio_state(&c->mmio, io);
    if (!sv_begin(io, "console", 1))
        return;
    SV(io, c->cols), SV(io, c->rows);
    sv_end(io);
}
