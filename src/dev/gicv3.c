/* GICv3 distributor, redistributors and CPU interface (Arm IHI 0069H). */
#include "dev/gicv3.h"

#include <string.h>

#include "core/state.h"

#define SPURIOUS 1023u
#define IDLE_PRIORITY 0xffu
#define PRIORITY_MASK 0xf8u /* 5 priority bits */
#define IIDR 0x0000043bu     /* implementer: Arm (JEP106 0x43b) */
#define PIDR2 0x3bu          /* ArchRev 3: GICv3 */
#define SGI_FRAME 0x10000u   /* the redistributor's SGI_base frame */

/* GICD_CTLR and GICR_WAKER bits (IHI 0069H 12.9.4, 12.11.42). */
#define CTLR_ARE (1u << 4)
#define CTLR_DS (1u << 6)
#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)

/* CPU interface registers: op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2. */
#define ICC(crn, crm, op2) (3u << 14 | (crn) << 7 | (crm) << 3 | (op2))
enum {
    ICC_PMR = ICC(4, 6, 0),
    ICC_IAR0 = ICC(12, 8, 0), ICC_EOIR0 = ICC(12, 8, 1), ICC_HPPIR0 = ICC(12, 8, 2), ICC_BPR0 = ICC(12, 8, 3),
    ICC_DIR = ICC(12, 11, 1), ICC_RPR = ICC(12, 11, 3), ICC_SGI1R = ICC(12, 11, 5), ICC_ASGI1R = ICC(12, 11, 6),
    ICC_SGI0R = ICC(12, 11, 7),
    ICC_IAR1 = ICC(12, 12, 0), ICC_EOIR1 = ICC(12, 12, 1), ICC_HPPIR1 = ICC(12, 12, 2), ICC_BPR1 = ICC(12, 12, 3),
    ICC_CTLR = ICC(12, 12, 4), ICC_SRE = ICC(12, 12, 5), ICC_IGRPEN0 = ICC(12, 12, 6), ICC_IGRPEN1 = ICC(12, 12, 7)
};

/* INTID `intid` as seen from a distributor (cpu < 0: SPIs only) or from
 * CPU `cpu`'s redistributor (SGIs and PPIs only); NULL if none. */
static gicv3_irq *irq_at(gicv3 *g, int cpu, unsigned intid)
{
    if (cpu >= 0)
        return intid < 32 ? &g->cpu[cpu].local[intid] : NULL;
    return intid >= 32 && intid < GICV3_NUM_IRQS ? &g->spi[intid - 32] : NULL;
}

/* Any INTID targeting CPU `cpu` (SGIs and PPIs are its own). */
static gicv3_irq *irq_of(gicv3 *g, int cpu, unsigned intid) { return irq_at(g, intid < 32 ? cpu : -1, intid); }

static int is_pending(const gicv3_irq *q) { return q->pending || (!q->edge && q->level); }

static int group_enabled(const gicv3 *g, int cpu, const gicv3_irq *q)
{
    const gicv3_cpu *c = &g->cpu[cpu];
    return q->group ? (g->ctlr & 2) && c->igrpen1 : (g->ctlr & 1) && c->igrpen0;
}

/* The highest-priority pending, enabled, inactive INTID for CPU `cpu`
 * whose group is enabled (ties: the lowest INTID), or SPURIOUS. */
static unsigned highest_pending(gicv3 *g, int cpu)
{
    unsigned best = SPURIOUS, prio = 0x100;
    for (unsigned id = 0; id < GICV3_NUM_IRQS; id++) {
        const gicv3_irq *q = irq_of(g, cpu, id);
        if (id >= 32 && q->route != cpu)
            continue;
        if (q->enabled && !q->active && is_pending(q) && q->priority < prio && group_enabled(g, cpu, q)) {
            best = id;
            prio = q->priority;
        }
    }
    return best;
}

static unsigned running_priority(const gicv3_cpu *c)
{
    return c->nactive ? c->active_prio[c->nactive - 1] : IDLE_PRIORITY;
}

/* The INTID CPU `cpu` would take now: the highest pending one if it passes
 * the priority mask and preempts the running priority, else SPURIOUS. */
static unsigned deliverable(gicv3 *g, int cpu)
{
    unsigned id = highest_pending(g, cpu);
    if (id == SPURIOUS)
        return id;
    unsigned prio = irq_of(g, cpu, id)->priority;
    const gicv3_cpu *c = &g->cpu[cpu];
    return prio < c->pmr && prio < running_priority(c) ? id : SPURIOUS;
}

/* Recompute every CPU's IRQ and FIQ lines (IHI 0069H 4.8). */
static void update(gicv3 *g)
{
    for (int i = 0; i < g->ncpus; i++) {
        gicv3_cpu *c = &g->cpu[i];
        unsigned id = deliverable(g, i);
        int group1 = id != SPURIOUS && irq_of(g, i, id)->group;
        int irq = id != SPURIOUS && group1, fiq = id != SPURIOUS && !group1;
        if (irq != c->irq_out || fiq != c->fiq_out) {
            c->irq_out = (uint8_t)irq;
            c->fiq_out = (uint8_t)fiq;
            g->signal(g->opaque, i, irq, fiq);
        }
    }
}

static void set_line(gicv3 *g, gicv3_irq *q, int level)
{
    level = level != 0;
    if (level == q->level)
        return;
    if (q->edge && level)
        q->pending = 1;
    q->level = (uint8_t)level;
    update(g);
}

void gicv3_set_spi(void *opaque, int irq, int level)
{
    gicv3 *g = opaque;
    gicv3_irq *q = irq >= 0 ? irq_at(g, -1, (unsigned)irq) : NULL;
    if (q)
        set_line(g, q, level);
}

void gicv3_set_ppi(gicv3 *g, int cpu, int intid, int level)
{
    if (cpu >= 0 && cpu < g->ncpus && intid >= 16 && intid < 32)
        set_line(g, &g->cpu[cpu].local[intid], level);
}

/* ---- the registers shared by GICD and the SGI_base frame of GICR ---- */

/* IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER: one bit per INTID,
 * registers 0x80 apart from 0x080 (IHI 0069H 12.9). */
enum { B_GROUP, B_SET_ENABLE, B_CLEAR_ENABLE, B_SET_PENDING, B_CLEAR_PENDING, B_SET_ACTIVE, B_CLEAR_ACTIVE };

static int bit_of(const gicv3_irq *q, int reg)
{
    switch (reg) {
    case B_GROUP: return q->group;
    case B_SET_ENABLE: case B_CLEAR_ENABLE: return q->enabled;
    case B_SET_PENDING: case B_CLEAR_PENDING: return is_pending(q);
    default: return q->active;
    }
}

static void write_bit(gicv3_irq *q, int reg)
{
    switch (reg) {
    case B_GROUP: q->group = 1; break;
    case B_SET_ENABLE: q->enabled = 1; break;
    case B_CLEAR_ENABLE: q->enabled = 0; break;
    case B_SET_PENDING: q->pending = 1; break;
    case B_CLEAR_PENDING: q->pending = 0; break;
    case B_SET_ACTIVE: q->active = 1; break;
    default: q->active = 0; break;
    }
}

/* A 32-bit register at `off` (0x080..0xdff) for `cpu`'s view (irq_at). */
static uint32_t bank_read(gicv3 *g, int cpu, uint32_t off)
{
    uint32_t v = 0;
    if (off >= 0x080 && off < 0x400) {
        int reg = (int)(off - 0x080) / 0x80;
        unsigned first = (off & 0x7f) * 8;
        for (unsigned b = 0; b < 32; b++) {
            gicv3_irq *q = irq_at(g, cpu, first + b);
            v |= q && bit_of(q, reg) ? 1u << b : 0;
        }
    } else if (off >= 0x400 && off < 0x800) {
        for (unsigned b = 0; b < 4; b++) {
            gicv3_irq *q = irq_at(g, cpu, off - 0x400 + b);
            v |= q ? (uint32_t)q->priority << (8 * b) : 0;
        }
    } else if (off >= 0xc00 && off < 0xd00) {
        for (unsigned b = 0; b < 16; b++) {
            gicv3_irq *q = irq_at(g, cpu, (off - 0xc00) * 4 + b);
            v |= q && q->edge ? 2u << (2 * b) : 0;
        }
    }
    return v;
}

static void bank_write(gicv3 *g, int cpu, uint32_t off, uint32_t v, unsigned size)
{
    if (off >= 0x080 && off < 0x400) {
        int reg = (int)(off - 0x080) / 0x80;
        unsigned first = (off & 0x7f) * 8;
        for (unsigned b = 0; b < 32; b++) {
            gicv3_irq *q = irq_at(g, cpu, first + b);
            if (!q)
                continue;
            if (reg == B_GROUP)
                q->group = (v >> b) & 1;
            else if ((v >> b) & 1)
                write_bit(q, reg);
        }
    } else if (off >= 0x400 && off < 0x800) {
        for (unsigned b = 0; b < size; b++) {
            gicv3_irq *q = irq_at(g, cpu, off - 0x400 + b);
            if (q)
                q->priority = (uint8_t)(v >> (8 * b)) & PRIORITY_MASK;
        }
    } else if (off >= 0xc00 && off < 0xd00) {
        for (unsigned b = 0; b < 16; b++) {
            unsigned intid = (off - 0xc00) * 4 + b;
            gicv3_irq *q = irq_at(g, cpu, intid);
            if (q && intid >= 16) /* SGIs are always edge-triggered */
                q->edge = (v >> (2 * b + 1)) & 1;
        }
    }
    update(g);
}

/* ---- the distributor ---- */

static uint32_t dist_read32(gicv3 *g, uint32_t off)
{
    switch (off) {
    case 0x0000: return g->ctlr | CTLR_ARE | CTLR_DS;
    case 0x0004: return (GICV3_NUM_IRQS / 32 - 1) | (uint32_t)(g->ncpus - 1) << 5 | 9u << 19 | 1u << 25;
    case 0x0008: return IIDR;
    case 0xffe8: return PIDR2;
    default: break;
    }
    if (off >= 0x6100 && off < 0x6000 + 8 * GICV3_NUM_IRQS) /* GICD_IROUTER<n>, n >= 32: Aff0 */
        return off & 4 ? 0 : g->spi[(off - 0x6000) / 8 - 32].route;
    return bank_read(g, -1, off);
}

static uint64_t dist_read(void *opaque, uint64_t off, unsigned size)
{
    uint64_t v = dist_read32(opaque, (uint32_t)off & ~3u);
    if (size == 8)
        v |= (uint64_t)dist_read32(opaque, (uint32_t)off + 4) << 32;
    else if (size < 4)
        v = (v >> (8 * (off & 3))) & ((1ull << (8 * size)) - 1);
    return v;
}

static void dist_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    gicv3 *g = opaque;
    if (off == 0) {
        g->ctlr = (uint32_t)v & 3;
        update(g);
    } else if (off >= 0x6100 && off < 0x6000 + 8 * GICV3_NUM_IRQS) {
        if (!(off & 4)) {
            g->spi[(off - 0x6000) / 8 - 32].route = (uint8_t)v;
            update(g);
        }
    } else if (size == 1 && off >= 0x400 && off < 0x800) {
        bank_write(g, -1, (uint32_t)off, (uint32_t)v, 1);
    } else if (size >= 4) {
        bank_write(g, -1, (uint32_t)off, (uint32_t)v, 4);
    }
}

/* ---- the redistributors ---- */

static uint32_t redist_read32(gicv3 *g, int cpu, uint32_t off)
{
    if (off >= SGI_FRAME)
        return bank_read(g, cpu, off - SGI_FRAME);
    uint32_t waker = g->cpu[cpu].waker;
    switch (off) {
    case 0x0004: return IIDR;
    case 0x0008: return (uint32_t)cpu << 8 | (cpu == g->ncpus - 1 ? 1u << 4 : 0); /* Processor_Number, Last */
    case 0x000c: return (uint32_t)cpu; /* Affinity_Value: Aff0 */
    case 0x0014: return waker | (waker & WAKER_PROCESSOR_SLEEP ? WAKER_CHILDREN_ASLEEP : 0);
    case 0xffe8: return PIDR2;
    default: return 0;
    }
}

static uint64_t redist_read(void *opaque, uint64_t off, unsigned size)
{
    gicv3 *g = opaque;
    int cpu = (int)(off / GICV3_REDIST_STRIDE);
    uint32_t o = (uint32_t)(off % GICV3_REDIST_STRIDE);
    uint64_t v = redist_read32(g, cpu, o & ~3u);
    if (size == 8)
        v |= (uint64_t)redist_read32(g, cpu, o + 4) << 32;
    else if (size < 4)
        v = (v >> (8 * (o & 3))) & ((1ull << (8 * size)) - 1);
    return v;
}

static void redist_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    gicv3 *g = opaque;
    int cpu = (int)(off / GICV3_REDIST_STRIDE);
    uint32_t o = (uint32_t)(off % GICV3_REDIST_STRIDE);
    if (o == 0x0014)
        g->cpu[cpu].waker = (uint32_t)v & WAKER_PROCESSOR_SLEEP;
    else if (o >= SGI_FRAME && (size >= 4 || (o >= SGI_FRAME + 0x400 && o < SGI_FRAME + 0x800)))
        bank_write(g, cpu, o - SGI_FRAME, (uint32_t)v, size >= 4 ? 4 : size);
}

static const mmio_ops dist_ops = {dist_read, dist_write};
static const mmio_ops redist_ops = {redist_read, redist_write};

int gicv3_init(gicv3 *g, phys_map *pm, int ncpus, void (*signal)(void *opaque, int cpu, int irq, int fiq),
               void *opaque)
{
    if (ncpus < 1 || ncpus > GICV3_MAX_CPUS)
        return -1;
    memset(g, 0, sizeof(*g));
    g->ncpus = ncpus;
    g->signal = signal;
    g->opaque = opaque;
    for (int i = 0; i < ncpus; i++) {
        g->cpu[i].waker = WAKER_PROCESSOR_SLEEP;
        for (int id = 0; id < 16; id++)
            g->cpu[i].local[id].edge = 1;
    }
    if (phys_add_io(pm, GICV3_DIST_BASE, GICV3_DIST_SIZE, &dist_ops, g) != 0)
        return -1;
    return phys_add_io(pm, GICV3_REDIST_BASE, GICV3_REDIST_STRIDE * (uint64_t)ncpus, &redist_ops, g);
}

/* ---- the CPU interface (IHI 0069H 12.2) ---- */

/* Acknowledge the interrupt CPU `cpu` would take if it is of `group`
 * (ICC_IAR0/1_EL1): it becomes active and the running priority its own. */
static unsigned acknowledge(gicv3 *g, int cpu, int group)
{
    unsigned id = deliverable(g, cpu);
    gicv3_cpu *c = &g->cpu[cpu];
    if (id == SPURIOUS || irq_of(g, cpu, id)->group != group || c->nactive == GICV3_ACTIVE_MAX)
        return SPURIOUS;
    gicv3_irq *q = irq_of(g, cpu, id);
    q->active = 1;
    q->pending = 0;
    c->active_prio[c->nactive++] = q->priority;
    update(g);
    return id;
}

static void deactivate(gicv3 *g, int cpu, unsigned id)
{
    gicv3_irq *q = id < GICV3_NUM_IRQS ? irq_of(g, cpu, id) : NULL;
    if (q)
        q->active = 0;
}

/* ICC_EOIR0/1_EL1: priority drop, and deactivation unless EOImode is 1. */
static void end_of_interrupt(gicv3 *g, int cpu, unsigned id)
{
    gicv3_cpu *c = &g->cpu[cpu];
    if (c->nactive)
        c->nactive--;
    if (!c->eoimode)
        deactivate(g, cpu, id);
    update(g);
}

/* ICC_SGI0R/SGI1R/ASGI1R_EL1: SGI INTID 27:24 to the CPUs of TargetList
 * 15:0 with Aff3.Aff2.Aff1 = 0, or to all others with IRM (bit 40). */
static void generate_sgi(gicv3 *g, int cpu, uint64_t v)
{
    unsigned id = (v >> 24) & 15;
    int irm = (v >> 40) & 1, aff_high = (v & 0x00ff00ff00ff0000ull) != 0;
    for (int t = 0; t < g->ncpus; t++)
        if (irm ? t != cpu : !aff_high && ((v >> t) & 1))
            g->cpu[t].local[id].pending = 1;
    update(g);
}

int gicv3_cpuif_access(gicv3 *g, int cpu, unsigned key, int write, uint64_t *v)
{
    gicv3_cpu *c = &g->cpu[cpu];
    uint64_t x = write ? *v : 0, r = 0;
    switch (key) {
    case ICC_PMR: if (write) c->pmr = (uint8_t)x & PRIORITY_MASK, update(g); r = c->pmr; break;
    case ICC_IAR0: case ICC_IAR1: if (!write) r = acknowledge(g, cpu, key == ICC_IAR1); break;
    case ICC_EOIR0: case ICC_EOIR1: if (write) end_of_interrupt(g, cpu, (unsigned)x & 0xffffff); break;
    case ICC_DIR: if (write) deactivate(g, cpu, (unsigned)x & 0xffffff), update(g); break;
    case ICC_HPPIR0: case ICC_HPPIR1: {
        unsigned id = highest_pending(g, cpu);
        r = id != SPURIOUS && irq_of(g, cpu, id)->group == (key == ICC_HPPIR1) ? id : SPURIOUS;
        break;
    }
    case ICC_RPR: r = running_priority(c); break;
    case ICC_BPR0: if (write) c->bpr0 = (uint8_t)(x & 7); r = c->bpr0; break;
    case ICC_BPR1: if (write) c->bpr1 = (uint8_t)(x & 7); r = c->bpr1; break;
    case ICC_SGI0R: case ICC_SGI1R: case ICC_ASGI1R: if (write) generate_sgi(g, cpu, x); break;
    case ICC_CTLR: if (write) c->eoimode = (x >> 1) & 1; r = (uint64_t)c->eoimode << 1 | 4u << 8; break;
    case ICC_SRE: r = 7; break; /* SRE, DFB, DIB: system registers only */
    case ICC_IGRPEN0: if (write) c->igrpen0 = x & 1, update(g); r = c->igrpen0; break;
    case ICC_IGRPEN1: if (write) c->igrpen1 = x & 1, update(g); r = c->igrpen1; break;
    default:
        /* ICC_AP0R<n>_EL1 and ICC_AP1R<n>_EL1: RAZ/WI (the active
         * priorities are kept as a list) */
        if ((key & ~3u) == ICC(12, 8, 4))
            break;
        if ((key & ~3u) == ICC(12, 9, 0))
            break;
        return 0;
    }
    if (!write)
        *v = r;
    return 1;
}

void gicv3_state(gicv3 *g, sv_io *io)
{
    if (!sv_begin(io, "gicv3", 1))
        return;
    SV(io, g->ctlr), SV(io, g->spi);
    sv_bytes(io, g->cpu, sizeof(g->cpu[0]) * (size_t)g->ncpus);
    sv_end(io);
}
