/* NS16550A UART (PC16550D datasheet; layout of QEMU's virt board). */
#include "dev/uart16550.h"

#include "core/state.h"
#include <string.h>

enum { REG_RBR = 0, REG_IER = 1, REG_IIR = 2, REG_LCR = 3, REG_MCR = 4, REG_LSR = 5,
       REG_MSR = 6, REG_SCR = 7 };

#define IER_RDI 0x01  /* received data available (and character timeout) */
#define IER_THRI 0x02 /* THR empty */
#define IER_RLSI 0x04 /* receiver line status */
#define IER_MSI 0x08  /* modem status */

#define IIR_NONE 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_TIMEOUT 0x0c
#define IIR_FIFO 0xc0 /* FIFOs enabled */

#define FCR_ENABLE 0x01
#define FCR_RX_RESET 0x02
#define FCR_TRIGGER 0xc0

#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MSR_IDLE 0xb0 /* DCD, DSR, CTS: a terminal is attached */

/* RX FIFO trigger level in bytes, by FCR bits 6-7 (PC16550D table III). */
static const unsigned rx_trigger[4] = {1, 4, 8, 14};

static int fifo_on(const uart16550 *u) { return u->fcr & FCR_ENABLE; }

static unsigned rx_capacity(const uart16550 *u) { return fifo_on(u) ? UART_FIFO_SIZE : 1; }

/* MSR bits 4-7 (CTS, DSR, RI, DCD). In loopback they mirror MCR's RTS, DTR,
 * OUT1 and OUT2. */
static uint8_t msr_lines(const uart16550 *u)
{
    uint8_t m = u->mcr;
    if (!(m & MCR_LOOP))
        return MSR_IDLE;
    return (uint8_t)(((m & 0x02) << 3) | ((m & 0x01) << 5) | ((m & 0x0c) << 4));
}

/* The pending interrupt of highest priority, as IIR bits 0-3 (table IV). */
static uint8_t iir_id(const uart16550 *u)
{
    if ((u->ier & IER_RLSI) && u->overrun)
        return IIR_RLSI;
    if ((u->ier & IER_RDI) && u->rx_count) {
        unsigned trig = fifo_on(u) ? rx_trigger[u->fcr >> 6] : 1;
        return u->rx_count >= trig ? IIR_RDI : IIR_TIMEOUT;
    }
    if ((u->ier & IER_THRI) && u->thr_ipending)
        return IIR_THRI;
    if ((u->ier & IER_MSI) && u->msr_delta)
        return IIR_MSI;
    return IIR_NONE;
}

static void update_irq(uart16550 *u)
{
    int level = iir_id(u) != IIR_NONE;
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(&u->irq, level);
    }
}

static void rx_reset(uart16550 *u) { u->rx_head = u->rx_count = 0; }

/* A byte arriving at the receiver (host input or loopback). When the FIFO is
 * full it is lost and LSR.OE set; without FIFOs it overwrites RBR. */
static void rx_put(uart16550 *u, uint8_t b)
{
    if (u->rx_count < rx_capacity(u)) {
        u->rx[(u->rx_head + u->rx_count++) % UART_FIFO_SIZE] = b;
        return;
    }
    u->overrun = 1;
    if (!fifo_on(u))
        u->rx[u->rx_head] = b;
}

static uint64_t uart_read(void *opaque, uint64_t off, unsigned size)
{
    uart16550 *u = opaque;
    uint8_t v = 0;
    (void)size;
    int dlab = u->lcr & LCR_DLAB;
    switch (off) {
    case REG_RBR:
        if (dlab) {
            v = u->dll;
        } else if (u->rx_count) {
            v = u->rx[u->rx_head];
            u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
            u->rx_count--;
        }
        break;
    case REG_IER: v = dlab ? u->dlm : u->ier; break;
    case REG_IIR:
        v = iir_id(u);
        if (v == IIR_THRI)
            u->thr_ipending = 0; /* reading IIR acknowledges THR empty */
        if (fifo_on(u))
            v |= IIR_FIFO;
        break;
    case REG_LCR: v = u->lcr; break;
    case REG_MCR: v = u->mcr; break;
    case REG_LSR:
        v = LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0) | (u->overrun ? LSR_OE : 0);
        u->overrun = 0;
        break;
    case REG_MSR:
        v = msr_lines(u) | u->msr_delta;
        u->msr_delta = 0;
        break;
    case REG_SCR: v = u->scr; break;
    default: return 0;
    }
    update_irq(u);
    return v;
}

static void write_mcr(uart16550 *u, uint8_t val)
{
    uint8_t before = msr_lines(u);
    u->mcr = val & 0x1f;
    uint8_t after = msr_lines(u), changed = before ^ after;
    u->msr_delta |= (changed & 0x30) >> 4;          /* DCTS, DDSR */
    u->msr_delta |= (before & ~after & 0x40) >> 4;  /* TERI: RI trailing edge */
    u->msr_delta |= (changed & 0x80) >> 4;          /* DDCD */
}

static void write_fcr(uart16550 *u, uint8_t val)
{
    if ((val ^ u->fcr) & FCR_ENABLE)
        rx_reset(u); /* changing FIFO mode clears the FIFOs */
    if (!(val & FCR_ENABLE)) {
        u->fcr = 0; /* other bits are only programmed with bit 0 set */
        return;
    }
    if (val & FCR_RX_RESET)
        rx_reset(u);
    u->fcr = val & (FCR_ENABLE | FCR_TRIGGER); /* TX reset: nothing is queued */
}

static void uart_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    uart16550 *u = opaque;
    uint8_t val = (uint8_t)value;
    (void)size;
    int dlab = u->lcr & LCR_DLAB;
    switch (off) {
    case REG_RBR:
        if (dlab) {
            u->dll = val;
            break;
        }
        if (u->mcr & MCR_LOOP)
            rx_put(u, val);
        else if (u->tx)
            u->tx(u->tx_opaque, val);
        u->thr_ipending = 1; /* sent at once: THR is empty again */
        break;
    case REG_IER:
        if (dlab) {
            u->dlm = val;
            break;
        }
        /* Enabling the THRE interrupt with THR empty raises it (PC16550D
         * IIR notes; what Linux's 8250 THRE test and QEMU expect). */
        if ((val & ~u->ier) & IER_THRI)
            u->thr_ipending = 1;
        u->ier = val & 0x0f;
        break;
    case REG_IIR: write_fcr(u, val); break;
    case REG_LCR: u->lcr = val; break;
    case REG_MCR: write_mcr(u, val); break;
    case REG_SCR: u->scr = val; break;
    default: return; /* LSR and MSR are read-only */
    }
    update_irq(u);
}

static const mmio_ops uart_ops = {uart_read, uart_write};

int uart_init(uart16550 *u, phys_map *pm, uint64_t base, irq_line irq,
              void (*tx)(void *opaque, uint8_t byte), void *tx_opaque)
{
    memset(u, 0, sizeof(*u));
    u->irq = irq;
    u->tx = tx;
    u->tx_opaque = tx_opaque;
    return phys_add_io(pm, base, UART_SIZE, &uart_ops, u);
}

size_t uart_rx_space(const uart16550 *u)
{
    if (u->mcr & MCR_LOOP)
        return 0;
    return rx_capacity(u) - u->rx_count;
}

size_t uart_rx_push(uart16550 *u, const uint8_t *data, size_t len)
{
    size_t n = uart_rx_space(u);
    if (n > len)
        n = len;
    for (size_t i = 0; i < n; i++)
        rx_put(u, data[i]);
    update_irq(u);
    return n;
}

void uart_state(uart16550 *u, sv_io *io)
{
    if (!sv_begin(io, "uart", 1))
        return;
    SV(io, u->ier), SV(io, u->fcr), SV(io, u->lcr), SV(io, u->mcr), SV(io, u->scr);
    SV(io, u->dll), SV(io, u->dlm), SV(io, u->msr_delta), SV(io, u->overrun), SV(io, u->thr_ipending);
    SV(io, u->rx), SV(io, u->rx_head), SV(io, u->rx_count), SV(io, u->irq_level);
    sv_end(io);
    if (io->load && (u->rx_head >= UART_FIFO_SIZE || u->rx_count > UART_FIFO_SIZE))
        sv_fail(io, "uart: receive FIFO position out of range");
}
