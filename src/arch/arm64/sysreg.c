/* AArch64 system registers (MRS/MSR, Arm ARM D17), PSTATE fields (MSR
 * immediate, C5.2) and system instructions (DC, IC, TLBI, AT: C5.3). The
 * ID registers describe what this front-end implements, no more. */
#include <stddef.h>
#include <string.h>

#include "arch/arm64/cpu.h"
#include "arch/arm64/fp.h"
#include "ir/cache.h"
#include "mem/softmmu.h"

#define ARM(cpu) ((a64_cpu *)(cpu))
/* A system register's encoding as bits 20:5 of MRS/MSR. */
#define SR(op0, op1, crn, crm, op2) ((op0) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2))
#define FIELD(f) offsetof(a64_cpu, f)

/* EL0 access rules. */
enum { EL1_ONLY, EL0_READ, EL0_RW };
/* After a write: nothing, flush the TLB (translation controls), recompute
 * the block flags (CPACR_EL1.FPEN); or read-only. */
enum { W_PLAIN = 1, W_TLB = 2, W_RO = 4, W_MODE = 8 };

typedef struct sysreg {
    uint16_t key;
    uint8_t el0, write;
    uint32_t field; /* offset in a64_cpu (a uint64_t) */
} sysreg;

static const sysreg fields[] = {
    {SR(3, 0, 1, 0, 0), EL1_ONLY, W_TLB, FIELD(sctlr_el1)},   {SR(3, 0, 1, 0, 2), EL1_ONLY, W_MODE, FIELD(cpacr_el1)},
    {SR(3, 0, 2, 0, 0), EL1_ONLY, W_TLB, FIELD(ttbr0_el1)},   {SR(3, 0, 2, 0, 1), EL1_ONLY, W_TLB, FIELD(ttbr1_el1)},
    {SR(3, 0, 2, 0, 2), EL1_ONLY, W_TLB, FIELD(tcr_el1)},     {SR(3, 0, 4, 0, 0), EL1_ONLY, W_PLAIN, FIELD(spsr_el1)},
    {SR(3, 0, 4, 0, 1), EL1_ONLY, W_PLAIN, FIELD(elr_el1)},   {SR(3, 0, 5, 1, 0), EL1_ONLY, W_PLAIN, FIELD(afsr0_el1)},
    {SR(3, 0, 5, 1, 1), EL1_ONLY, W_PLAIN, FIELD(afsr1_el1)}, {SR(3, 0, 5, 2, 0), EL1_ONLY, W_PLAIN, FIELD(esr_el1)},
    {SR(3, 0, 6, 0, 0), EL1_ONLY, W_PLAIN, FIELD(far_el1)},   {SR(3, 0, 7, 4, 0), EL1_ONLY, W_PLAIN, FIELD(par_el1)},
    {SR(3, 0, 10, 2, 0), EL1_ONLY, W_TLB, FIELD(mair_el1)},   {SR(3, 0, 10, 3, 0), EL1_ONLY, W_PLAIN, FIELD(amair_el1)},
    {SR(3, 0, 12, 0, 0), EL1_ONLY, W_PLAIN, FIELD(vbar_el1)}, {SR(3, 0, 13, 0, 1), EL1_ONLY, W_PLAIN, FIELD(contextidr_el1)},
    {SR(3, 0, 13, 0, 4), EL1_ONLY, W_PLAIN, FIELD(tpidr_el1)}, {SR(3, 0, 14, 1, 0), EL1_ONLY, W_PLAIN, FIELD(cntkctl_el1)},
    {SR(3, 3, 13, 0, 2), EL0_RW, W_PLAIN, FIELD(tpidr_el0)},  {SR(3, 3, 13, 0, 3), EL0_READ, W_PLAIN, FIELD(tpidrro_el0)},
    {SR(3, 2, 0, 0, 0), EL1_ONLY, W_PLAIN, FIELD(csselr_el1)},
    {SR(2, 0, 0, 2, 2), EL1_ONLY, W_PLAIN, FIELD(mdscr_el1)}, {SR(3, 0, 0, 0, 5), EL1_ONLY, W_RO, FIELD(mpidr)},
};

/* Read-only constants: the ID registers (Arm ARM D17.2) of what is
 * implemented: AArch64 EL0/EL1 only, FP and AdvSIMD without FP16, the
 * GICv3 CPU interface as system registers, CRC32, LSE atomics, PAN, 4 KiB
 * granule, 40-bit PA, 16-bit ASIDs, debug v8 with no PMU. */
static const struct { uint16_t key; uint8_t el0; uint64_t value; } constants[] = {
    {SR(3, 0, 0, 0, 0), EL1_ONLY, 0x000f0000},                  /* MIDR_EL1: implementer 0 */
    {SR(3, 0, 0, 4, 0), EL1_ONLY, 0x11 | 1ull << 24},           /* ID_AA64PFR0_EL1: EL0, EL1; FP, AdvSIMD (0: no FP16); GIC */
    {SR(3, 0, 0, 5, 0), EL1_ONLY, 0x00101006},                  /* ID_AA64DFR0_EL1 */
    {SR(3, 0, 0, 6, 0), EL1_ONLY, 1ull << 16 | 2ull << 20},     /* ID_AA64ISAR0_EL1: CRC32, Atomic */
    {SR(3, 0, 0, 7, 0), EL1_ONLY, 0x0f000022},                  /* ID_AA64MMFR0_EL1 */
    {SR(3, 0, 0, 7, 1), EL1_ONLY, 1ull << 20},                  /* ID_AA64MMFR1_EL1: PAN */
    {SR(3, 3, 0, 0, 1), EL0_READ, 0xb0048004},                  /* CTR_EL0: 64-byte lines, IDC, DIC */
    {SR(3, 3, 0, 0, 7), EL0_READ, 4},                           /* DCZID_EL0: DC ZVA of 64 bytes */
    {SR(2, 0, 1, 1, 4), EL1_ONLY, 0},                           /* OSLSR_EL1: OS lock not implemented */
    {SR(3, 1, 0, 0, 0), EL1_ONLY, 0},                           /* CCSIDR_EL1 */
    {SR(3, 1, 0, 0, 1), EL1_ONLY, 0},                           /* CLIDR_EL1: no caches to maintain */
    {SR(3, 1, 0, 0, 7), EL1_ONLY, 0},                           /* AIDR_EL1 */
};

/* The ESR ISS of a trapped MRS/MSR (EC 0x18, Arm ARM D17.2.37). */
static uint32_t sysreg_iss(uint32_t insn)
{
    uint32_t op0 = (insn >> 19) & 3, op1 = (insn >> 16) & 7, crn = (insn >> 12) & 15, crm = (insn >> 8) & 15;
    return op0 << 20 | ((insn >> 5) & 7) << 17 | op1 << 14 | crn << 10 | (insn & 31) << 5 | crm << 1 |
           ((insn >> 21) & 1);
}

static int trap_sysreg(a64_cpu *c, const ir_op *op)
{
    return a64_exception(c, EC_SYSREG, sysreg_iss(op->aux), a64_op_pc(&c->cpu, op), 0, 0);
}

static int undefined(a64_cpu *c, const ir_op *op)
{
    return a64_exception(c, EC_UNKNOWN, 0, a64_op_pc(&c->cpu, op), 0, 0);
}

static uint64_t counter(a64_cpu *c) { return c->counter ? c->counter(c->board_opaque) : c->cpu.instret; }

/* The EL1 physical (`virt` 0) or virtual (`virt` 1) timer's TVAL (op2 0),
 * CTL (1) or CVAL (2) (Arm ARM D11.2.4; CNTVOFF is 0): as special(). */
static int timer_reg(a64_cpu *c, unsigned virt, unsigned op2, int write, uint64_t *v)
{
    uint64_t *ctl = virt ? &c->cntv_ctl : &c->cntp_ctl, *cval = virt ? &c->cntv_cval : &c->cntp_cval;
    if (c->el == 0 && !(c->cntkctl_el1 & (virt ? CNTKCTL_EL0VTEN : CNTKCTL_EL0PTEN)))
        return -1;
    uint64_t now = counter(c);
    if (op2 == 0 && write)
        *cval = now + (uint64_t)(int64_t)(int32_t)*v;
    else if (op2 == 0)
        *v = (uint32_t)(*cval - now);
    else if (op2 == 1 && write)
        *ctl = *v & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
    else if (op2 == 1) /* ISTATUS: the timer condition, while enabled */
        *v = *ctl | ((*ctl & CNT_CTL_ENABLE) && now >= *cval ? CNT_CTL_ISTATUS : 0);
    else if (write)
        *cval = *v;
    else
        *v = *cval;
    if (c->timer_changed) /* also after a read: the line follows the state the guest saw */
        c->timer_changed(c);
    return 1;
}

/* Registers with behaviour beyond a field: 1 if `key` is one (read into
 * *v, or written from v), 0 if not, -1 for a trap at EL0. */
static int special(a64_cpu *c, unsigned key, int write, uint64_t *v)
{
    unsigned kctl = (unsigned)c->cntkctl_el1;
    switch (key) {
    case SR(3, 0, 4, 2, 2): /* CurrentEL */
        if (write) return 0;
        *v = (uint64_t)c->el << 2;
        return 1;
    case SR(3, 0, 4, 2, 0): /* SPSel */
        if (c->el == 0) return 0;
        if (write) c->spsel = (int)(*v & 1), a64_update_mode(c);
        else *v = (uint64_t)c->spsel;
        return 1;
    case SR(3, 3, 4, 4, 0): /* FPCR */
        if (write) c->fpcr = *v & FPCR_MASK;
        else *v = c->fpcr;
        return 1;
    case SR(3, 3, 4, 4, 1): /* FPSR */
        if (write) c->fpsr = *v & FPSR_MASK;
        else *v = c->fpsr;
        return 1;
    case SR(3, 3, 4, 2, 1): /* DAIF */
        if (c->el == 0 && !(c->sctlr_el1 & SCTLR_UMA)) return -1;
        if (write) c->daif = *v & (0xfull << 6);
        else *v = c->daif;
        return 1;
    case SR(3, 0, 4, 2, 3): /* PAN */
        if (c->el == 0) return 0;
        if (write) c->pan = *v & PSTATE_PAN, a64_update_mode(c);
        else *v = c->pan;
        return 1;
    case SR(3, 0, 4, 1, 0): /* SP_EL0 (at EL1 with SPSel = 1) */
        if (c->el == 0 || !c->spsel) return 0;
        if (write) c->sp_el0 = *v;
        else *v = c->sp_el0;
        return 1;
    case SR(3, 3, 14, 0, 0): /* CNTFRQ_EL0 */
        if (c->el == 0 && !(kctl & 3)) return -1;
        if (!write) *v = c->cntfrq;
        return 1;
    case SR(3, 3, 14, 0, 1): case SR(3, 3, 14, 0, 2): /* CNTPCT_EL0, CNTVCT_EL0 */
        if (write) return 0;
        if (c->el == 0 && !(kctl & (key & 1 ? 1 : 2))) return -1;
        *v = counter(c);
        return 1;
    default:
        if ((key & ~0xfu) == SR(3, 3, 14, 2, 0) && (key & 7) < 3)
            return timer_reg(c, (key >> 3) & 1, key & 7, write, v);
        /* the GIC's CPU interface (ICC_*_EL1) */
        return c->el == 1 && c->cpuif ? c->cpuif(c, key, write, v) : 0;
    }
}

/* MRS, MSR (register) and MSR (immediate). */
int a64_sysreg_helper(ir_cpu *cpu, const ir_op *op)
{
    a64_cpu *c = ARM(cpu);
    uint32_t i = op->aux;
    unsigned key = (i >> 5) & 0xffff, write = !((i >> 21) & 1);
    if (op->opc == IR_HELPER_END && ((i >> 19) & 3) == 0) { /* MSR (immediate) */
        unsigned op1 = (i >> 16) & 7, op2 = (i >> 5) & 7, imm = (i >> 8) & 15;
        if (op1 == 3 && (op2 == 6 || op2 == 7)) {
            if (c->el == 0 && !(c->sctlr_el1 & SCTLR_UMA))
                return trap_sysreg(c, op);
            c->daif = op2 == 6 ? c->daif | (uint64_t)imm << 6 : c->daif & ~((uint64_t)imm << 6);
        } else if (op1 == 0 && (op2 == 5 || op2 == 4) && c->el == 1) {
            if (op2 == 5)
                c->spsel = (int)(imm & 1);
            else
                c->pan = imm & 1 ? PSTATE_PAN : 0;
            a64_update_mode(c);
        } else {
            return undefined(c, op);
        }
        cpu->pc = a64_op_pc(cpu, op) + 4;
        a64_take_interrupt(c, cpu->pc);
        return IR_END;
    }
    uint64_t v = write ? cpu->r[op->rs1] : 0;
    int found = special(c, key, (int)write, &v);
    if (found < 0)
        return trap_sysreg(c, op);
    for (unsigned k = 0; !found && k < sizeof(fields) / sizeof(fields[0]); k++) {
        if (fields[k].key != key)
            continue;
        if (c->el == 0 && (fields[k].el0 == EL1_ONLY || (write && fields[k].el0 == EL0_READ)))
            return undefined(c, op);
        if (write && fields[k].write == W_RO)
            return undefined(c, op);
        uint64_t *f = (uint64_t *)((uint8_t *)c + fields[k].field);
        if (!write)
            v = *f;
        else
            *f = v;
        if (write && fields[k].write == W_TLB)
            a64_tlb_flush_all(c, 0);
        if (write && (fields[k].write & (W_TLB | W_MODE)))
            a64_update_mode(c); /* SCTLR_EL1.A and M, CPACR_EL1.FPEN key blocks */
        found = 1;
    }
    for (unsigned k = 0; !found && k < sizeof(constants) / sizeof(constants[0]); k++) {
        if (constants[k].key != key)
            continue;
        if (write || (c->el == 0 && constants[k].el0 == EL1_ONLY))
            return undefined(c, op);
        if (c->el == 0 && key == SR(3, 3, 0, 0, 1) && !(c->sctlr_el1 & SCTLR_UCT))
            return trap_sysreg(c, op);
        v = constants[k].value;
        found = 1;
    }
    if (!found && c->el == 1 && ((key >> 14 == 3 && (key & 0x3f80) == 0) || key >> 14 == 2))
        found = 1; /* the ID space (op1 0, CRn 0) reads as zero; debug registers are RAZ/WI */
    if (!found)
        return undefined(c, op);
    if (!write) {
        cpu->r[op->rd] = v;
        return IR_OK;
    }
    cpu->pc = a64_op_pc(cpu, op) + 4;
    a64_take_interrupt(c, cpu->pc);
    return IR_END;
}

/* A TLBI operand's VA (bits 43:0 are VA[55:12]), sign-extended from bit 55. */
static uint64_t tlbi_va(uint64_t x) { return (uint64_t)((int64_t)(x << 20) >> 8) & ~0xfffull; }

/* AT S1E1R/W, S1E0R/W: PAR_EL1 from a side-effect-free translation. */
static void address_translate(a64_cpu *c, uint64_t va, unsigned op2)
{
    uint64_t pa, size;
    int idx = op2 >= 2 ? A64_MMU_EL0 : c->pan ? A64_MMU_EL1_PAN : A64_MMU_EL1;
    if (a64_translate(&c->cpu, va, op2 & 1 ? ACC_WRITE : ACC_READ, idx, 0, &pa, &size, 1) == IR_OK)
        c->par_el1 = (pa & 0xfffffffff000ull) | 0xffull << 56; /* attributes: Normal write-back */
    else
        c->par_el1 = 1 | (uint64_t)c->probe_fsc << 1;
}

int a64_sys_helper(ir_cpu *cpu, const ir_op *op)
{
    a64_cpu *c = ARM(cpu);
    uint32_t i = op->aux;
    unsigned op1 = (i >> 16) & 7, crn = (i >> 12) & 15, crm = (i >> 8) & 15, op2 = (i >> 5) & 7;
    uint64_t x = cpu->r[op->rs1];
    int el0_ok = op1 == 3 && crn == 7 && (crm == 4 ? (c->sctlr_el1 & SCTLR_DZE) : (c->sctlr_el1 & SCTLR_UCI));
    if ((i >> 21) & 1)
        return undefined(c, op); /* SYSL: none implemented */
    if (c->el == 0 && !el0_ok)
        return op1 == 3 && crn == 7 ? trap_sysreg(c, op) : undefined(c, op);
    if (op1 == 3 && crn == 7 && crm == 4 && op2 == 1) { /* DC ZVA: 64 bytes */
        uint64_t va = x & ~63ull;
        for (unsigned k = 0; k < 64; k += 8) {
            int st = mmu_store_slow(cpu, va + k, 8, 0, a64_op_pc(cpu, op));
            if (st == IR_TRAP)
                return IR_TRAP;
        }
    } else if (op1 == 0 && crn == 8 && (crm == 3 || crm == 7)) { /* TLBI */
        if (op2 == 1 || op2 == 3 || op2 == 5 || op2 == 7) {
            ir_cache *cache = cpu->cache;
            for (int k = 0; k < IR_MAX_CPUS; k++)
                if (cache->cpus[k] && (crm == 3 || cache->cpus[k] == cpu))
                    tlb_flush_page(cache->cpus[k], tlbi_va(x));
        } else if (op2 == 0 || op2 == 2) {
            a64_tlb_flush_all(c, crm == 3);
        } else {
            return undefined(c, op);
        }
    } else if (op1 == 0 && crn == 7 && crm == 8 && op2 < 4) {
        address_translate(c, x, op2);
    } else if (crn != 7) { /* DC and IC maintenance are no-ops (CTR_EL0 IDC, DIC) */
        return undefined(c, op);
    }
    cpu->pc = a64_op_pc(cpu, op) + 4;
    return IR_END;
}
