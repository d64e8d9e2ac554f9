/* Sdtrig: the trigger module of the RISC-V Debug Specification 1.0
 * (chapter 5) as M-mode software sees it. RV_NTRIGGERS triggers, each of
 * type 2 (mcontrol) or 6 (mcontrol6) matching the guest-virtual address of
 * an instruction executed, a load or a store (match: equal, NAPOT, >=, <),
 * filtered by privilege, with action 0: a breakpoint exception before the
 * instruction or access (tval = the address), M-mode firing gated by
 * tcontrol.mte (5.4). Not implemented (WARL fields that read 0): Debug
 * Mode, data-value matches (select), access sizes, chaining, timing
 * after, hypervisor modes, tdata3 (textra), mcontext/scontext.
 *
 * Execute triggers make each of the hart's blocks one instruction preceded
 * by RVH_TRIGGER; load and store triggers send the watched pages through
 * the software MMU's slow path (ir_arch.data_trigger), as a debugger's
 * watchpoints do (ir/debug.h). */
#include "arch/riscv/hart.h"
#include "ir/debug.h"
#include "mem/softmmu.h"

enum {
    CSR_TSELECT = 0x7a0, CSR_TDATA1 = 0x7a1, CSR_TDATA2 = 0x7a2, CSR_TDATA3 = 0x7a3,
    CSR_TINFO = 0x7a4, CSR_TCONTROL = 0x7a5,
};

/* tdata1 fields shared by mcontrol and mcontrol6 (5.7.2, 5.7.3). */
#define TD_LOAD 1ull
#define TD_STORE 2ull
#define TD_EXECUTE 4ull
#define TD_U (1ull << 3)
#define TD_S (1ull << 4)
#define TD_M (1ull << 6)
#define TD_MATCH_SHIFT 7
#define TD_TYPE_SHIFT 60
#define MCONTROL_HIT (1ull << 20)
#define MCONTROL6_HIT0 (1ull << 22)
#define TCONTROL_MTE (1ull << 3)
#define TCONTROL_MPTE (1ull << 7)

enum { TYPE_MCONTROL = 2, TYPE_MCONTROL6 = 6, TYPE_DISABLED = 15 };
enum { MATCH_EQ = 0, MATCH_NAPOT = 1, MATCH_GE = 2, MATCH_LT = 3 };

static unsigned trig_type(const rv_trigger *t) { return (unsigned)(t->tdata1 >> TD_TYPE_SHIFT); }

/* An address/data match trigger (the types implemented), not a disabled one. */
static int is_match(const rv_trigger *t)
{
    return trig_type(t) == TYPE_MCONTROL || trig_type(t) == TYPE_MCONTROL6;
}

static uint64_t hit_bit(const rv_trigger *t)
{
    return trig_type(t) == TYPE_MCONTROL ? MCONTROL_HIT : MCONTROL6_HIT0;
}

/* tdata1 as written, legalised: a supported type keeps its implemented
 * fields; any other becomes a disabled trigger (type 15). */
static uint64_t legalise_tdata1(uint64_t v)
{
    unsigned type = (unsigned)(v >> TD_TYPE_SHIFT), match = (unsigned)(v >> TD_MATCH_SHIFT) & 15;
    if (type != TYPE_MCONTROL && type != TYPE_MCONTROL6)
        return (uint64_t)TYPE_DISABLED << TD_TYPE_SHIFT;
    uint64_t hit = type == TYPE_MCONTROL ? MCONTROL_HIT : MCONTROL6_HIT0;
    uint64_t keep = TD_LOAD | TD_STORE | TD_EXECUTE | TD_U | TD_S | TD_M | hit;
    return ((uint64_t)type << TD_TYPE_SHIFT) | (v & keep) |
           ((uint64_t)(match <= MATCH_LT ? match : MATCH_EQ) << TD_MATCH_SHIFT);
}

/* Whether trigger t's address match holds for some address in [lo, hi]. */
static int matches_range(const rv_trigger *t, uint64_t lo, uint64_t hi)
{
    uint64_t a = t->tdata2;
    switch ((t->tdata1 >> TD_MATCH_SHIFT) & 15) {
    case MATCH_NAPOT: { /* the top bits above the lowest clear bit of tdata2 */
        uint64_t low = ~a ? (((~a & (0 - ~a)) << 1) - 1) : ~0ull; /* the ignored low bits */
        uint64_t first = a & ~low, last = a | low;
        return first <= hi && lo <= last;
    }
    case MATCH_GE: return hi >= a;
    case MATCH_LT: return lo < a;
    default: return lo <= a && a <= hi;
    }
}

/* Trigger t may fire on `kinds` (TD_* operation bits) at the hart's
 * current privilege (5.4: in M-mode only while tcontrol.mte is set). */
static int armed(const rv_hart *h, const rv_trigger *t, uint64_t kinds)
{
    static const uint64_t mode_bit[4] = {TD_U, TD_S, 0, TD_M};
    if (!is_match(t) || !(t->tdata1 & kinds))
        return 0;
    if (h->priv == PRV_M && !(h->tcontrol & TCONTROL_MTE))
        return 0;
    return (t->tdata1 & mode_bit[h->priv]) != 0;
}

/* Fire the first trigger armed for `kinds` that matches [lo, hi]: the
 * breakpoint exception with tval `tval` at `epc`. Returns IR_TRAP or IR_OK. */
static int fire(rv_hart *h, uint64_t kinds, uint64_t lo, uint64_t hi, uint64_t tval, uint64_t epc)
{
    for (int i = 0; i < RV_NTRIGGERS; i++) {
        rv_trigger *t = &h->trig[i];
        if (armed(h, t, kinds) && matches_range(t, lo, hi)) {
            t->tdata1 |= hit_bit(t);
            return rv_trap(h, CAUSE_BREAKPOINT, tval, epc);
        }
    }
    return IR_OK;
}

int rv_trigger_exec(rv_hart *h, uint64_t pc)
{
    return fire(h, TD_EXECUTE, pc, pc, pc, pc);
}

int rv_trigger_data(ir_cpu *cpu, uint64_t va, unsigned size, int kinds, uint64_t pc)
{
    uint64_t td = ((kinds & IR_WATCH_READ) ? TD_LOAD : 0) | ((kinds & IR_WATCH_WRITE) ? TD_STORE : 0);
    return fire((rv_hart *)cpu, td, va, va + size - 1, va, pc);
}

int rv_trigger_page(ir_cpu *cpu, uint64_t page)
{
    const rv_hart *h = (const rv_hart *)cpu;
    for (int i = 0; i < RV_NTRIGGERS; i++) {
        const rv_trigger *t = &h->trig[i];
        if (is_match(t) && (t->tdata1 & (TD_LOAD | TD_STORE)) &&
            matches_range(t, page, page + PAGE_SIZE - 1))
            return 1;
    }
    return 0;
}

void rv_triggers_changed(rv_hart *h)
{
    unsigned kinds = 0;
    for (int i = 0; i < RV_NTRIGGERS; i++) {
        h->trig[i].tdata1 = legalise_tdata1(h->trig[i].tdata1); /* a loaded state's too */
        if (is_match(&h->trig[i]) && (h->trig[i].tdata1 & (TD_U | TD_S | TD_M)))
            kinds |= (unsigned)(h->trig[i].tdata1 & (TD_LOAD | TD_STORE | TD_EXECUTE));
    }
    h->trig_kinds = kinds;
    h->cpu.data_triggers = (kinds & (TD_LOAD | TD_STORE)) != 0;
    rv_update_mode(h);
    tlb_flush(&h->cpu);
}

int rv_trigger_read(const rv_hart *h, unsigned csr, uint64_t *val)
{
    const rv_trigger *t = &h->trig[h->tselect];
    switch (csr) {
    case CSR_TSELECT: *val = h->tselect; return 0;
    case CSR_TDATA1: *val = t->tdata1; return 0;
    case CSR_TDATA2: *val = t->tdata2; return 0;
    case CSR_TDATA3: *val = 0; return 0;
    case CSR_TINFO: /* version 1 (Sdtrig 1.0); types 2, 6 and 15 */
        *val = (1ull << 24) | (1u << TYPE_MCONTROL) | (1u << TYPE_MCONTROL6) | (1u << TYPE_DISABLED);
        return 0;
    case CSR_TCONTROL: *val = h->tcontrol; return 0;
    }
    return -1;
}

int rv_trigger_write(rv_hart *h, unsigned csr, uint64_t val)
{
    rv_trigger *t = &h->trig[h->tselect];
    switch (csr) {
    case CSR_TSELECT: /* WARL: an index past the last trigger is not taken */
        if (val < RV_NTRIGGERS)
            h->tselect = val;
        return 0;
    case CSR_TDATA1: t->tdata1 = legalise_tdata1(val); break;
    case CSR_TDATA2: t->tdata2 = val; break;
    case CSR_TDATA3: case CSR_TINFO: return 0; /* textra not implemented; tinfo is read-only */
    case CSR_TCONTROL: h->tcontrol = val & (TCONTROL_MTE | TCONTROL_MPTE); return 0;
    default: return -1;
    }
    rv_triggers_changed(h);
    return 0;
}

void rv_trigger_trap_to_m(rv_hart *h)
{
    h->tcontrol = (h->tcontrol & TCONTROL_MTE) ? TCONTROL_MPTE : 0;
}

void rv_trigger_mret(rv_hart *h)
{
    h->tcontrol = (h->tcontrol & TCONTROL_MPTE) ? (TCONTROL_MTE | TCONTROL_MPTE) : 0;
}
