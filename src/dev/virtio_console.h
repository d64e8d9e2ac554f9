/* virtio-console (VIRTIO 1.2 section 5.3) with a single port and no
 * multiport support: receiveq 0 (host to guest) and transmitq 1 (guest to
 * host), and the console size (VIRTIO_CONSOLE_F_SIZE). Linux binds it to
 * /dev/hvc0 and gives the size to that tty (SIGWINCH on changes). */
#ifndef WVM_VIRTIO_CONSOLE_H
#define WVM_VIRTIO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "dev/virtio_mmio.h"

#define VIRTIO_CONSOLE_QUEUE_SIZE 64
#define VIRTIO_CONSOLE_F_SIZE 0 /* feature bit: cols and rows in config space */

typedef struct virtio_console {
    virtio_mmio mmio;
    virtio_device_ops ops;
    /* Guest output: `n` bytes at `p` (valid during the call only). */
    void (*tx)(void *opaque, const uint8_t *p, size_t n);
    /* The guest posted receive buffers: input held back may be pushed now.
     * May be NULL. */
    void (*rx_ready)(void *opaque);
    void *opaque;
    virtio_chain rx_chain, tx_chain; /* scratch, one per direction */
    uint16_t cols, rows; /* terminal size in characters; 0 = unknown */
} virtio_console;

/* Map a virtio-console device at guest-physical `base` (VIRTIO_MMIO_SIZE
 * bytes) interrupting through `irq`. Guest output goes to `tx(opaque, ...)`;
 * `rx_ready(opaque)` (may be NULL) is called when the guest adds receive
 * buffers. Returns 0, or -1 if the address map is full. */
int virtio_console_init(virtio_console *c, phys_map *pm, uint64_t base, irq_line irq,
                        void (*tx)(void *opaque, const uint8_t *p, size_t n),
                        void (*rx_ready)(void *opaque), void *opaque);

/* Deliver up to `n` bytes at `p` to the guest through the receive buffers it
 * has posted (one used buffer per chain filled, then an interrupt). Returns
 * the number of bytes delivered, in bytes, from 0 (no buffer posted, driver
 * not ready, device broken) to `n`; the caller keeps the rest for later,
 * e.g. until rx_ready is called. */
size_t virtio_console_rx_push(virtio_console *c, const uint8_t *p, size_t n);

/* Set the terminal size the guest sees, in character columns and rows (0 =
 * unknown), and raise the configuration-change interrupt if it changed
 * (section 5.3.4; also raised when the driver becomes ready). */
void virtio_console_set_size(virtio_console *c, uint16_t cols, uint16_t rows);

/* Save or load the device (transport section "virtio", then "console":
 * the terminal size in its config space) (core/state.h). */
struct sv_io;
void virtio_console_state(virtio_console *c, struct sv_io *io);

#endif
