/* PL011 UART (see pl011.h). */
#include "dev/pl011.h"

#include "core/state.h"

enum { DR = 0x000, RSR = 0x004, FR = 0x018, IBRD = 0x024, FBRD = 0x028, LCR_H = 0x02c, CR = 0x030, IFLS = 0x034,
       IMSC = 0x038, RIS = 0x03c, MIS = 0x040, ICR = 0x044, DMACR = 0x048 };
enum { FR_RXFE = 1 << 4, FR_TXFF = 1 << 5, FR_RXFF = 1 << 6, FR_TXFE = 1 << 7 };
enum { INT_RX = 1 << 4, INT_TX = 1 << 5, INT_RT = 1 << 6 };
#define LCR_H_FEN (1u << 4)

/* PrimeCell peripheral ID (PL011 r1p5) and component ID at 0xfe0-0xffc. */
static const uint8_t ids[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static unsigned capacity(const pl011 *u) { return u->lcr_h & LCR_H_FEN ? PL011_FIFO : 1; }

/* The interrupt output: any unmasked raw interrupt. The TX interrupt is
 * raised whenever the (always empty) transmitter is enabled. */
static void update(pl011 *u)
{
    u->ris = (u->ris & ~(uint32_t)(INT_RX | INT_RT)) | (u->rx_count ? INT_RX | INT_RT : 0);
    irq_set(&u->irq, (u->ris & u->imsc) != 0);
}

static uint64_t pl011_read(void *opaque, uint64_t off, unsigned size)
{
    pl011 *u = opaque;
    uint32_t v = 0;
    (void)size;
    switch (off) {
    case DR:
        if (u->rx_count) {
            v = u->rx[u->rx_head];
            u->rx_head = (u->rx_head + 1) % PL011_FIFO;
            u->rx_count--;
            update(u);
        }
        break;
    case FR: v = FR_TXFE | (u->rx_count ? 0 : FR_RXFE) | (u->rx_count >= capacity(u) ? FR_RXFF : 0); break;
    case IBRD: v = u->ibrd; break;
    case FBRD: v = u->fbrd; break;
    case LCR_H: v = u->lcr_h; break;
    case CR: v = u->cr; break;
    case IFLS: v = u->ifls; break;
    case IMSC: v = u->imsc; break;
    case RIS: v = u->ris; break;
    case MIS: v = u->ris & u->imsc; break;
    case DMACR: v = u->dmacr; break;
    default:
        if (off >= 0xfe0 && off < 0x1000 && !(off & 3))
            v = ids[(off - 0xfe0) / 4];
    }
    return v;
}

static void pl011_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    pl011 *u = opaque;
    uint32_t v = (uint32_t)val;
    (void)size;
    switch (off) {
    case DR:
        if (u->tx)
            u->tx(u->tx_opaque, (uint8_t)v);
        u->ris |= INT_TX;
        break;
    case IBRD: u->ibrd = v & 0xffff; break;
    case FBRD: u->fbrd = v & 0x3f; break;
    case LCR_H: u->lcr_h = v & 0xff; break;
    case CR: u->cr = v & 0xff87; break;
    case IFLS: u->ifls = v & 0x3f; break;
    case IMSC: u->imsc = v & 0x7ff; break;
    case ICR: u->ris &= ~v; break;
    case DMACR: u->dmacr = v & 7; break;
    default: break;
    }
    if (u->cr & 1 && u->cr & (1u << 8))
        u->ris |= INT_TX; /* the transmit FIFO is empty: at or below any level */
    update(u);
}

static const mmio_ops pl011_ops = {pl011_read, pl011_write};

int pl011_init(pl011 *u, phys_map *pm, uint64_t base, irq_line irq, void (*tx)(void *opaque, uint8_t byte),
               void *tx_opaque)
{
    *u = (pl011){.cr = 0x300, .ifls = 0x12, .irq = irq, .tx = tx, .tx_opaque = tx_opaque};
    return phys_add_io(pm, base, PL011_SIZE, &pl011_ops, u);
}

size_t pl011_rx_push(pl011 *u, const uint8_t *data, size_t len)
{
    size_t n = 0;
    for (; n < len && u->rx_count < capacity(u); n++, u->rx_count++)
        u->rx[(u->rx_head + u->rx_count) % PL011_FIFO] = data[n];
    if (n)
        update(u);
    return n;
}

void pl011_state(pl011 *u, sv_io *io)
{
    if (!sv_begin(io, "pl011", 1))
        return;
    SV(io, u->ibrd), SV(io, u->fbrd), SV(io, u->lcr_h), SV(io, u->cr), SV(io, u->ifls), SV(io, u->imsc);
    SV(io, u->ris), SV(io, u->dmacr), SV(io, u->rx_head), SV(io, u->rx_count);
    sv_bytes(io, u->rx, sizeof(u->rx));
    if (u->rx_head >= PL011_FIFO || u->rx_count > PL011_FIFO)
        sv_fail(io, "pl011: bad receive FIFO state");
    sv_end(io);
    update(u);
}
