/* NS16550A UART as on QEMU's virt board (hw/riscv/virt.c: base 0x1000_0000,
 * 0x100 bytes, reg-shift 0, 8-bit registers, PLIC source 10). Registers per
 * the PC16550D datasheet (National Semiconductor, 1995): RBR/THR/DLL (0),
 * IER/DLM (1), IIR/FCR (2), LCR (3), MCR (4), LSR (5), MSR (6), SCR (7).
 *
 * Transmission is immediate: a THR write hands the byte to the host callback
 * at once, so THR and the transmitter are always empty (LSR.THRE = TEMT = 1).
 * Reception goes through a 16-byte FIFO (1 byte with FIFOs disabled) that
 * the host fills with uart_rx_push. As in QEMU, the interrupt output is
 * (IIR != "no interrupt") and does not depend on MCR.OUT2. */
#ifndef WVM_UART16550_H
#define WVM_UART16550_H

#include <stddef.h>
#include <stdint.h>

#include "dev/irq.h"
#include "mem/phys.h"

#define UART_BASE 0x10000000ull /* guest-physical */
#define UART_SIZE 0x100ull      /* bytes; registers at offsets 0-7, rest reads 0 */
#define UART_IRQ 10             /* PLIC source */
#define UART_FIFO_SIZE 16       /* bytes */

typedef struct uart16550 {
    uint8_t ier;        /* interrupt enables, bits 0-3 */
    uint8_t fcr;        /* FIFO control as programmed: bit 0 (enable), bits 6-7 (trigger) */
    uint8_t lcr, mcr, scr;
    uint8_t dll, dlm;   /* divisor latch (stored, no effect) */
    uint8_t msr_delta;  /* MSR bits 0-3: DCTS, DDSR, TERI, DDCD */
    int overrun;        /* LSR.OE: a loopback byte was lost */
    int thr_ipending;   /* THR-empty interrupt pending (cleared by IIR read) */
    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count; /* ring buffer: oldest byte, bytes held */
    int irq_level;      /* current level of the interrupt output */
    irq_line irq;
    void (*tx)(void *opaque, uint8_t byte);
    void *tx_opaque;
} uart16550;

/* Reset the UART and map it at guest-physical `base` (UART_SIZE bytes).
 * `irq` is its interrupt output; `tx` (may be NULL: output dropped) receives
 * every byte the guest transmits, with `tx_opaque`. Returns 0, or -1 if the
 * address map is full. */
int uart_init(uart16550 *u, phys_map *pm, uint64_t base, irq_line irq,
              void (*tx)(void *opaque, uint8_t byte), void *tx_opaque);

/* Host -> guest: append up to `len` bytes of `data` to the receive FIFO and
 * update the interrupt. Returns how many bytes were taken (0..len); the rest
 * stay with the caller, to be pushed again once the guest has read some. */
size_t uart_rx_push(uart16550 *u, const uint8_t *data, size_t len);

/* Bytes the receive FIFO can take now: 16 - held with FIFOs enabled, 1 - held
 * with them disabled (the bare RBR), 0 in loopback mode (the serial input is
 * disconnected then, PC16550D MCR bit 4). */
size_t uart_rx_space(const uart16550 *u);

/* Save or load the UART's registers, receive FIFO and interrupt level as
 * section "uart" (core/state.h). */
struct sv_io;
void uart_state(uart16550 *u, struct sv_io *io);

#endif
