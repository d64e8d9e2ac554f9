/* virtio-net, the network device (VIRTIO 1.2 section 5.1), as the transport
 * of raw Ethernet frames between the guest and a host backend: receiveq 0
 * and transmitq 1 (no control queue, no multiqueue), the MAC address and
 * link status in config space (VIRTIO_NET_F_MAC, VIRTIO_NET_F_STATUS). No
 * checksum or segmentation offload is offered, so every frame is complete
 * with its checksums, and receive buffers are not merged: each received
 * frame takes one descriptor chain. */
#ifndef WVM_VIRTIO_NET_H
#define WVM_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

#include "dev/virtio_mmio.h"

#define VIRTIO_NET_QUEUE_SIZE 256
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_S_LINK_UP 1
/* struct virtio_net_hdr with num_buffers, always present with VERSION_1
 * (5.1.6): the bytes before each frame in a chain. */
#define VIRTIO_NET_HDR_BYTES 12u
#define ETH_HEADER_BYTES 14u
/* Largest frame either way: an Ethernet header, a VLAN tag and 1500 bytes of
 * payload (no frame check sequence). */
#define VIRTIO_NET_FRAME_MAX 1518u

typedef struct virtio_net {
    virtio_mmio mmio;
    virtio_device_ops ops;
    uint8_t mac[6];
    /* A frame the guest sent: `len` bytes at `frame` (valid during the call).
     * Returns 0 if taken, or -1 when the host cannot take one now: the frame
     * stays in the transmit queue, with those after it, until
     * virtio_net_tx_resume. */
    int (*tx)(void *opaque, const uint8_t *frame, size_t len);
    /* The guest posted receive buffers (frames held back may go now). May be NULL. */
    void (*rx_ready)(void *opaque);
    void *opaque;
    virtio_chain rx_chain, tx_chain; /* scratch, one per direction */
    uint64_t tx_dropped, rx_dropped; /* malformed or oversized frames */
    uint8_t frame[VIRTIO_NET_HDR_BYTES + VIRTIO_NET_FRAME_MAX];
} virtio_net;

/* Map a virtio-net device with MAC address `mac` at guest-physical `base`
 * (VIRTIO_MMIO_SIZE bytes) interrupting through `irq`; `tx` and `rx_ready`
 * as in struct virtio_net. Returns 0, or -1 if the address map is full. */
int virtio_net_init(virtio_net *n, phys_map *pm, uint64_t base, irq_line irq, const uint8_t mac[6],
                    int (*tx)(void *opaque, const uint8_t *frame, size_t len), void (*rx_ready)(void *opaque),
                    void *opaque);

/* Deliver a frame of `len` bytes (Ethernet header onwards, no FCS) into the
 * next receive buffer (5.1.6.4) and interrupt. Returns 1 if delivered, 0 if
 * the guest has no buffer posted (or the driver is not ready: keep it until
 * rx_ready), -1 if dropped: shorter than an Ethernet header, longer than
 * VIRTIO_NET_FRAME_MAX, or the guest's buffer is too small (that buffer is
 * returned empty). */
int virtio_net_rx(virtio_net *n, const uint8_t *frame, size_t len);

/* Transmit what waits in the transmit queue, after tx refused a frame. */
void virtio_net_tx_resume(virtio_net *n);

/* Save or load the device (transport section "virtio", then "net": MAC and
 * counters) (core/state.h). Frames the host refused are still in the
 * transmit queue, so they are in RAM. */
struct sv_io;
void virtio_net_state(virtio_net *n, struct sv_io *io);

#endif
