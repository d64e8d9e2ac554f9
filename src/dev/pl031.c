/* PL031 real-time clock (see pl031.h). */
#include "dev/pl031.h"

#include "core/state.h"

enum { DR = 0x000, MR = 0x004, LR = 0x008, CR = 0x00c, IMSC = 0x010, RIS = 0x014, MIS = 0x018, ICR = 0x01c };

/* PrimeCell peripheral ID (PL031) and component ID at 0xfe0-0xffc. */
static const uint8_t ids[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static uint32_t seconds(const pl031 *r) { return (uint32_t)(r->now_ns(r->opaque) / 1000000000u) + r->offset; }

void pl031_update(pl031 *r)
{
    if (r->armed && (int32_t)(seconds(r) - r->match) >= 0) {
        r->armed = 0;
        r->ris = 1;
    }
    irq_set(&r->irq, (r->ris & r->imsc) != 0);
}

static uint64_t pl031_read(void *opaque, uint64_t off, unsigned size)
{
    pl031 *r = opaque;
    (void)size;
    switch (off) {
    case DR: return seconds(r);
    case MR: return r->match;
    case LR: return seconds(r);
    case CR: return 1;
    case IMSC: return r->imsc;
    case RIS: return r->ris;
    case MIS: return r->ris & r->imsc;
    default: return off >= 0xfe0 && off < 0x1000 && !(off & 3) ? ids[(off - 0xfe0) / 4] : 0;
    }
}

static void pl031_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    pl031 *r = opaque;
    uint32_t v = (uint32_t)val;
    (void)size;
    switch (off) {
    case MR: r->match = v, r->armed = 1; break;
    case LR: r->offset = v - (seconds(r) - r->offset); break;
    case IMSC: r->imsc = v & 1; break;
    case ICR: r->ris &= ~v; break;
    default: return;
    }
    pl031_update(r);
}

static const mmio_ops pl031_ops = {pl031_read, pl031_write};

int pl031_init(pl031 *r, phys_map *pm, uint64_t base, irq_line irq, uint64_t (*now_ns)(void *), void *opaque)
{
    *r = (pl031){.now_ns = now_ns, .opaque = opaque, .irq = irq};
    return phys_add_io(pm, base, PL031_SIZE, &pl031_ops, r);
}

void pl031_state(pl031 *r, sv_io *io)
{
    if (!sv_begin(io, "pl031", 1))
        return;
    SV(io, r->offset), SV(io, r->match), SV(io, r->imsc), SV(io, r->ris), SV(io, r->armed);
    sv_end(io);
}
