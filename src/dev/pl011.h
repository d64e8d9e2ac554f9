/* Arm PrimeCell UART (PL011) as on QEMU's aarch64 virt board (base
 * 0x0900_0000, SPI 1). ARM DDI 0183G (PL011 Technical Reference Manual),
 * 3.3: UARTDR (0x000), UARTRSR/ECR (0x004), UARTFR (0x018), UARTIBRD/FBRD
 * (0x024/0x028), UARTLCR_H (0x02c), UARTCR (0x030), UARTIFLS (0x034),
 * UARTIMSC (0x038), UARTRIS (0x03c), UARTMIS (0x040), UARTICR (0x044),
 * UARTDMACR (0x048), peripheral and PrimeCell IDs (0xfe0-0xffc).
 * Transmission completes at once (TX FIFO always empty); reception goes
 * through a 32-byte FIFO (1 byte with FIFOs disabled, LCR_H.FEN = 0). */
#ifndef WVM_PL011_H
#define WVM_PL011_H

#include <stddef.h>
#include <stdint.h>

#include "dev/irq.h"
#include "mem/phys.h"

#define PL011_SIZE 0x1000ull
#define PL011_FIFO 32

typedef struct pl011 {
    uint32_t ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
    uint8_t rx[PL011_FIFO];
    unsigned rx_head, rx_count;
    irq_line irq;
    void (*tx)(void *opaque, uint8_t byte);
    void *tx_opaque;
} pl011;

/* Reset the UART and map it at guest-physical `base` (PL011_SIZE bytes).
 * `tx` receives each byte the guest sends. Returns 0 or -1 (map full). */
int pl011_init(pl011 *u, phys_map *pm, uint64_t base, irq_line irq, void (*tx)(void *opaque, uint8_t byte),
               void *tx_opaque);

/* Host input: queue up to `len` bytes while the receive FIFO has room.
 * Returns how many were taken. */
size_t pl011_rx_push(pl011 *u, const uint8_t *data, size_t len);

/* Save or load the UART's state as section "pl011" (core/state.h). */
struct sv_io;
void pl011_state(pl011 *u, struct sv_io *io);

#endif
