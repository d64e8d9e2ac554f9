/* SiFive PLIC of the virt board (RISC-V PLIC spec v1.0.0). */
#include "dev/plic.h"

#include "core/state.h"
#include <string.h>

#define PENDING_BASE 0x1000u
#define ENABLE_BASE 0x2000u
#define ENABLE_STRIDE 0x80u
#define CONTEXT_BASE 0x200000u
#define CONTEXT_STRIDE 0x1000u

static int bit(const uint32_t *v, int n) { return (v[n / 32] >> (n % 32)) & 1; }

static void put_bit(uint32_t *v, int n, int on)
{
    uint32_t m = 1u << (n % 32);
    v[n / 32] = on ? (v[n / 32] | m) : (v[n / 32] & ~m);
}

/* The pending source enabled for context `ctx` with the highest priority
 * above the context's threshold (ties: lowest id), or 0 (spec 1.0.0, 7-8). */
static int best_source(const plic *p, int ctx)
{
    int best = 0;
    unsigned best_prio = p->threshold[ctx];
    for (int w = 0; w < PLIC_WORDS; w++) {
        uint32_t m = p->pending[w] & p->enable[ctx][w];
        for (int b = 0; m; b++, m >>= 1)
            if ((m & 1) && p->priority[32 * w + b] > best_prio) {
                best_prio = p->priority[32 * w + b];
                best = 32 * w + b;
            }
    }
    return best;
}

/* Recompute every context's output and drive its hart's MEIP or SEIP. */
static void update(plic *p)
{
    for (int ctx = 0; ctx < 2 * p->nharts; ctx++) {
        rv_hart *h = p->harts[ctx / 2];
        int irq = (ctx & 1) ? IRQ_SEI : IRQ_MEI;
        int level = best_source(p, ctx) != 0;
        if (level != (int)((h->mip_ext >> irq) & 1))
            rv_set_irq(h, irq, level);
    }
}

static uint32_t claim(plic *p, int ctx)
{
    int s = best_source(p, ctx);
    if (s) {
        put_bit(p->pending, s, 0);
        put_bit(p->claimed, s, 1);
        update(p);
    }
    return (uint32_t)s;
}

/* Completion of a source not enabled for the context is ignored (spec 9). */
static void complete(plic *p, int ctx, uint32_t id)
{
    if (id == 0 || id >= PLIC_NUM_SOURCES || !bit(p->enable[ctx], (int)id))
        return;
    put_bit(p->claimed, (int)id, 0);
    if (bit(p->line, (int)id))
        put_bit(p->pending, (int)id, 1); /* level still high: request again */
    update(p);
}

static uint64_t plic_read(void *opaque, uint64_t off, unsigned size)
{
    plic *p = opaque;
    if (size != 4 || (off & 3))
        return 0;
    if (off < PENDING_BASE)
        return off / 4 < PLIC_NUM_SOURCES ? p->priority[off / 4] : 0;
    if (off < ENABLE_BASE) {
        uint64_t w = (off - PENDING_BASE) / 4;
        return w < PLIC_WORDS ? p->pending[w] : 0;
    }
    if (off < CONTEXT_BASE) {
        uint64_t ctx = (off - ENABLE_BASE) / ENABLE_STRIDE, w = (off % ENABLE_STRIDE) / 4;
        return ctx < 2u * p->nharts && w < PLIC_WORDS ? p->enable[ctx][w] : 0;
    }
    uint64_t ctx = (off - CONTEXT_BASE) / CONTEXT_STRIDE, reg = off % CONTEXT_STRIDE;
    if (ctx >= 2u * p->nharts)
        return 0;
    if (reg == 0)
        return p->threshold[ctx];
    return reg == 4 ? claim(p, (int)ctx) : 0;
}

static void plic_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    plic *p = opaque;
    uint32_t val = (uint32_t)value;
    if (size != 4 || (off & 3))
        return;
    if (off < PENDING_BASE) {
        if (off / 4 == 0 || off / 4 >= PLIC_NUM_SOURCES)
            return;
        p->priority[off / 4] = val & PLIC_MAX_PRIORITY;
    } else if (off < ENABLE_BASE) {
        return; /* pending bits are read-only */
    } else if (off < CONTEXT_BASE) {
        uint64_t ctx = (off - ENABLE_BASE) / ENABLE_STRIDE, w = (off % ENABLE_STRIDE) / 4;
        if (ctx >= 2u * p->nharts || w >= PLIC_WORDS)
            return;
        p->enable[ctx][w] = w == 0 ? val & ~1u : val; /* source 0 does not exist */
    } else {
        uint64_t ctx = (off - CONTEXT_BASE) / CONTEXT_STRIDE, reg = off % CONTEXT_STRIDE;
        if (ctx >= 2u * p->nharts)
            return;
        if (reg == 4) {
            complete(p, (int)ctx, val);
            return;
        }
        if (reg != 0)
            return;
        p->threshold[ctx] = val & PLIC_MAX_PRIORITY;
    }
    update(p);
}

static const mmio_ops plic_ops = {plic_read, plic_write};

int plic_init(plic *p, phys_map *pm, uint64_t base, rv_hart **harts, int nharts)
{
    if (nharts < 1 || nharts > PLIC_MAX_HARTS)
        return -1;
    memset(p, 0, sizeof(*p));
    p->harts = harts;
    p->nharts = nharts;
    return phys_add_io(pm, base, PLIC_SIZE, &plic_ops, p);
}

void plic_set_irq(void *opaque, int irq, int level)
{
    plic *p = opaque;
    if (irq <= 0 || irq >= PLIC_NUM_SOURCES)
        return;
    level = level != 0;
    if (bit(p->line, irq) == level)
        return;
    put_bit(p->line, irq, level);
    put_bit(p->pending, irq, level && !bit(p->claimed, irq));
    update(p);
}

void plic_state(plic *p, sv_io *io)
{
    if (!sv_begin(io, "plic", 1))
        return;
    SV(io, p->priority), SV(io, p->pending), SV(io, p->claimed), SV(io, p->line);
    sv_bytes(io, p->enable, sizeof(p->enable[0]) * 2 * (size_t)p->nharts);
    sv_bytes(io, p->threshold, sizeof(p->threshold[0]) * 2 * (size_t)p->nharts);
    sv_end(io);
}
