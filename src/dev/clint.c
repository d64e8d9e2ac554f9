/* CLINT / ACLINT (MSWI + MTIMER) of the virt board. */
#include "dev/clint.h"

#include "core/state.h"
#include <string.h>

static uint64_t clint_read(void *opaque, uint64_t off, unsigned size)
{
    clint *c = opaque;
    uint64_t v = 0;
    if (off < 0x4000) {
        int i = (int)(off / 4);
        if (i < c->nharts)
            v = (c->harts[i]->mip_ext & MIP_MSIP) ? 1 : 0;
    } else if (off >= 0xbff8) {
        v = c->now(c->opaque) >> (8 * (off - 0xbff8));
    } else if (off >= 0x4000) {
        unsigned i = (unsigned)((off - 0x4000) / 8);
        if (i < (unsigned)c->nharts)
            v = c->mtimecmp[i] >> (8 * (off & 7));
    }
    return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
}

static void clint_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    clint *c = opaque;
    if (off < 0x4000) {
        int i = (int)(off / 4);
        if (i < c->nharts && (off & 3) == 0)
            rv_set_irq(c->harts[i], IRQ_MSI, val & 1);
    } else if (off >= 0x4000 && off < 0xbff8) {
        unsigned i = (unsigned)((off - 0x4000) / 8);
        if (i >= (unsigned)c->nharts)
            return;
        unsigned shift = 8 * (off & 7);
        uint64_t mask = (size == 8 ? ~0ull : ((1ull << (8 * size)) - 1)) << shift;
        c->mtimecmp[i] = (c->mtimecmp[i] & ~mask) | ((val << shift) & mask);
        clint_update(c);
    }
    /* mtime is read-only here: writes are ignored */
}

static const mmio_ops clint_ops = {clint_read, clint_write};

int clint_init(clint *c, phys_map *pm, rv_hart **harts, int nharts,
               uint64_t (*now)(void *), void *opaque)
{
    memset(c, 0, sizeof(*c));
    c->harts = harts;
    c->nharts = nharts;
    c->now = now;
    c->opaque = opaque;
    for (int i = 0; i < nharts; i++) {
        c->mtimecmp[i] = ~0ull;
        harts[i]->mtime = now;
        harts[i]->mtime_opaque = opaque;
    }
    return phys_add_io(pm, CLINT_BASE, CLINT_SIZE, &clint_ops, c);
}

void clint_update(clint *c)
{
    uint64_t t = c->now(c->opaque);
    for (int i = 0; i < c->nharts; i++) {
        rv_hart *h = c->harts[i];
        int level = t >= c->mtimecmp[i];
        if (level != ((h->mip_ext & MIP_MTIP) != 0))
            rv_set_irq(h, IRQ_MTI, level);
        rv_update_stimecmp(h);
    }
}

uint64_t clint_next_deadline(clint *c)
{
    uint64_t t = c->now(c->opaque), best = UINT64_MAX;
    for (int i = 0; i < c->nharts; i++) {
        rv_hart *h = c->harts[i];
        uint64_t d[2] = {c->mtimecmp[i], h->sstc && (h->menvcfg >> 63) ? h->stimecmp : ~0ull};
        for (int k = 0; k < 2; k++)
            if (d[k] != ~0ull && d[k] > t && d[k] - t < best)
                best = d[k] - t; /* deadlines already passed have raised their line */
    }
    return best;
}

void clint_state(clint *c, sv_io *io)
{
    if (!sv_begin(io, "clint", 1))
        return;
    sv_bytes(io, c->mtimecmp, sizeof(c->mtimecmp[0]) * (size_t)c->nharts);
    sv_end(io);
}
