/* virtio-net device (VIRTIO 1.2 section 5.1). */
#include "dev/virtio_net.h"

#include <string.h>

#include "core/state.h"

enum { RXQ = 0, TXQ = 1 };

int virtio_net_rx(virtio_net *n, const uint8_t *frame, size_t len)
{
    if (len < ETH_HEADER_BYTES || len > VIRTIO_NET_FRAME_MAX) {
        n->rx_dropped++;
        return -1;
    }
    virtio_chain *c = &n->rx_chain;
    if (virtio_pop(&n->mmio, RXQ, c) <= 0)
        return 0;
    if (c->wlen < VIRTIO_NET_HDR_BYTES + len) { /* the driver posted too small a buffer */
        virtio_push(&n->mmio, RXQ, c->head, 0);
        n->rx_dropped++;
        return -1;
    }
    /* flags 0, gso_type VIRTIO_NET_HDR_GSO_NONE, num_buffers 1 (5.1.6.4) */
    uint8_t hdr[VIRTIO_NET_HDR_BYTES] = {[10] = 1};
    virtio_chain_write(&n->mmio, c, 0, hdr, sizeof(hdr));
    virtio_chain_write(&n->mmio, c, sizeof(hdr), frame, len);
    virtio_push(&n->mmio, RXQ, c->head, (uint32_t)(sizeof(hdr) + len));
    return 1;
}

/* Send the transmit queue's frames (5.1.6.2) until the host refuses one. */
static void tx_notify(void *dev, unsigned q)
{
    virtio_net *n = dev;
    virtio_chain *c = &n->tx_chain;
    while (virtio_pop(&n->mmio, q, c) > 0) {
        uint64_t len = c->rlen;
        if (len < VIRTIO_NET_HDR_BYTES + ETH_HEADER_BYTES || len > sizeof(n->frame)) {
            n->tx_dropped++; /* no Ethernet header, or larger than any frame */
        } else {
            virtio_chain_read(&n->mmio, c, 0, n->frame, len);
            if (n->tx(n->opaque, n->frame + VIRTIO_NET_HDR_BYTES, (size_t)(len - VIRTIO_NET_HDR_BYTES)) != 0) {
                virtio_unpop(&n->mmio, q);
                return;
            }
        }
        virtio_push(&n->mmio, q, c->head, 0);
    }
}

void virtio_net_tx_resume(virtio_net *n)
{
    tx_notify(n, TXQ);
}

static void rx_notify(void *dev, unsigned q)
{
    virtio_net *n = dev;
    (void)q;
    if (n->rx_ready)
        n->rx_ready(n->opaque);
}

/* Config (5.1.4): mac[6], le16 status; the fields after it belong to
 * features not offered and read 0. */
static uint64_t net_config_read(void *dev, uint32_t off, unsigned size)
{
    virtio_net *n = dev;
    uint8_t cfg[12] = {0};
    memcpy(cfg, n->mac, 6);
    cfg[6] = VIRTIO_NET_S_LINK_UP;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)cfg[off + i] << (8 * i);
    return v;
}

int virtio_net_init(virtio_net *n, phys_map *pm, uint64_t base, irq_line irq, const uint8_t mac[6],
                    int (*tx)(void *opaque, const uint8_t *frame, size_t len), void (*rx_ready)(void *opaque),
                    void *opaque)
{
    memset(n, 0, sizeof(*n));
    memcpy(n->mac, mac, 6);
    n->tx = tx;
    n->rx_ready = rx_ready;
    n->opaque = opaque;
    n->ops = (virtio_device_ops){
        .device_id = 1,
        .features = 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS,
        .config_size = 12,
        .config_read = net_config_read,
        .num_queues = 2,
        .queue_max = VIRTIO_NET_QUEUE_SIZE,
        .notify = {rx_notify, tx_notify},
    };
    return virtio_mmio_init(&n->mmio, pm, base, irq, &n->ops, n);
}

void virtio_net_state(virtio_net *n, sv_io *io)
{
    virtio_mmio_state(&n->mmio, io);
    if (!sv_begin(io, "net", 1))
        return;
    SV(io, n->mac), SV(io, n->tx_dropped), SV(io, n->rx_dropped);
    sv_end(io);
}
