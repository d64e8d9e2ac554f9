/* AArch64 CPU: reset, the run loop, PSTATE and SPSR, exception entry and
 * interrupts (Arm ARM D1.10), and the cpu_class the core sees. */
#include "arch/arm64/cpu.h"

#include <stddef.h>
#include <string.h>

#include "arch/arm64/helpers.h"
#include "core/board.h"
#include "core/gdb_target.h"
#include "core/state.h"
#include "ir/cache.h"
#include "ir/interp.h"
#include "mem/softmmu.h"

extern const ir_arch a64_arch;

void a64_cpu_init(a64_cpu *c, int id, phys_map *pm, ir_cache *cache, uint64_t reset_pc)
{
    memset(c, 0, sizeof(*c));
    c->cpu.pm = pm;
    c->cpu.arch = &a64_arch;
    ir_cache_attach(cache, &c->cpu);
    tlb_init(&c->cpu);
    c->mpidr = (1ull << 31) | (uint64_t)id; /* Aff0 = id */
    a64_cpu_reset(c, reset_pc);
}

void a64_cpu_reset(a64_cpu *c, uint64_t reset_pc)
{
    uint64_t mpidr = c->mpidr;
    int irq = c->irq, fiq = c->fiq;
    memset(c->cpu.r, 0, sizeof(c->cpu.r));
    memset(&c->el, 0, offsetof(a64_cpu, counter) - offsetof(a64_cpu, el));
    c->cpu.pc = reset_pc;
    c->mpidr = mpidr;
    c->irq = irq, c->fiq = fiq; /* the interrupt controller's outputs */
    c->el = 1;
    c->spsel = 1;
    c->sp_cur = 1;
    c->daif = 0xfull << 6;
    c->sctlr_el1 = 0x30d00800; /* RES1 bits; MMU and caches off */
    a64_update_mode(c);
    tlb_flush(&c->cpu);
}

uint64_t a64_pstate(const a64_cpu *c)
{
    return (c->cpu.r[A64_NZCV] & 0xf0000000ull) | c->pan | c->daif | (uint64_t)c->el << 2 |
           (uint64_t)(c->el && c->spsel);
}

void a64_update_mode(a64_cpu *c)
{
    uint64_t *bank[2] = {&c->sp_el0, &c->sp_el1};
    *bank[c->sp_cur] = c->cpu.r[A64_SP];
    c->sp_cur = c->el == 1 && c->spsel;
    c->cpu.r[A64_SP] = *bank[c->sp_cur];
    c->cpu.fetch_idx = c->el ? A64_MMU_EL1 : A64_MMU_EL0;
    c->cpu.data_idx = !c->el ? A64_MMU_EL0 : c->pan ? A64_MMU_EL1_PAN : A64_MMU_EL1;
    unsigned fpen = (unsigned)(c->cpacr_el1 >> 20) & 3; /* 0b01: EL0 traps; 0b00, 0b10: both; 0b11: none */
    c->cpu.block_flags = (uint32_t)c->el | ((c->sctlr_el1 & SCTLR_A) || !(c->sctlr_el1 & SCTLR_M) ? A64_FLAGS_ALIGN : 0) |
                         (fpen == 3 || (fpen == 1 && c->el) ? 0 : A64_FLAGS_FPTRAP);
}

void a64_set_pstate(a64_cpu *c, uint64_t spsr)
{
    unsigned m = spsr & 0xf;
    if ((spsr >> 4) & 1 || (m != 0 && m != 4 && m != 5)) /* AArch32 or EL2/EL3: an illegal return */
        m = (unsigned)(c->el << 2 | (c->el && c->spsel));
    c->cpu.r[A64_NZCV] = spsr & 0xf0000000ull;
    c->daif = spsr & (0xfull << 6);
    c->pan = spsr & PSTATE_PAN;
    c->el = (int)(m >> 2);
    c->spsel = (int)(m & 1);
    a64_update_mode(c);
}

int a64_exception(a64_cpu *c, unsigned ec, uint32_t iss, uint64_t elr, uint64_t far, int has_far)
{
    return a64_exception_to(c, VEC_SYNC, (uint64_t)ec << 26 | 1u << 25 | iss, elr, far, has_far);
}

int a64_exception_to(a64_cpu *c, unsigned vector, uint64_t esr, uint64_t elr, uint64_t far, int has_far)
{
    unsigned offset = c->el == 0 ? 0x400 : c->spsel ? 0x200 : 0;
    c->spsr_el1 = a64_pstate(c);
    c->elr_el1 = elr;
    if (vector == VEC_SYNC)
        c->esr_el1 = esr;
    if (has_far)
        c->far_el1 = far;
    c->el = 1;
    c->spsel = 1;
    c->daif = 0xfull << 6;
    if (!(c->sctlr_el1 & SCTLR_SPAN))
        c->pan = PSTATE_PAN;
    c->excl_valid = 0;
    a64_update_mode(c);
    c->cpu.pc = c->vbar_el1 + offset + vector;
    return IR_TRAP;
}

int a64_take_interrupt(a64_cpu *c, uint64_t pc)
{
    if (c->fiq && !(c->daif & (1u << 6)))
        a64_exception_to(c, VEC_FIQ, 0, pc, 0, 0);
    else if (c->irq && !(c->daif & (1u << 7)))
        a64_exception_to(c, VEC_IRQ, 0, pc, 0, 0);
    else
        return 0;
    return 1;
}

void a64_tlb_flush_all(a64_cpu *c, int shareable)
{
    ir_cache *cache = c->cpu.cache;
    for (int i = 0; shareable && i < IR_MAX_CPUS; i++)
        if (cache->cpus[i] && cache->cpus[i] != &c->cpu)
            tlb_flush(cache->cpus[i]);
    tlb_flush(&c->cpu);
}

int64_t a64_run(a64_cpu *c, int64_t budget)
{
    ir_cpu *cpu = &c->cpu;
    if (c->stopped)
        return 0;
    if (c->wfi) {
        if (!c->irq && !c->fiq) /* WFI wakes on a pending interrupt, masked or not */
            return 0;
        c->wfi = 0;
    }
    cpu->exit_req = 0;
    cpu->instret_limit = cpu->instret + (uint64_t)budget;
    int64_t done = 0;
    while (cpu->instret < cpu->instret_limit && !c->wfi && !c->stopped) {
        cpu->exit_req = 0;
        a64_take_interrupt(c, cpu->pc);
        done += ir_run(cpu);
        if (cpu->exit_req == 2) /* stop requested by the machine */
            break;
    }
    return done;
}

void a64_cpu_state(a64_cpu *c, sv_io *io)
{
    uint32_t version = sv_begin(io, "arm64", 2); /* 2: the V registers */
    if (!version)
        return;
    a64_update_mode(c); /* the SP in use into its bank */
    sv_bytes(io, c->cpu.r, 35 * sizeof(uint64_t));
    SV(io, c->cpu.pc), SV(io, c->cpu.instret), SV(io, c->cpu.traps);
    sv_bytes(io, &c->el, offsetof(a64_cpu, counter) - offsetof(a64_cpu, el));
    if (version >= 2)
        sv_bytes(io, &c->cpu.r[A64_VLO(0)], 64 * sizeof(uint64_t));
    sv_end(io);
    a64_update_mode(c);
    tlb_flush(&c->cpu);
}

/* ---- the cpu_class ---- */

static a64_cpu *arm(ir_cpu *cpu) { return (a64_cpu *)cpu; }

static void init(ir_cpu *cpu, int id, phys_map *pm, ir_cache *cache, uint64_t reset_pc)
{
    a64_cpu_init(arm(cpu), id, pm, cache, reset_pc);
}

static int64_t run(ir_cpu *cpu, int64_t budget) { return a64_run(arm(cpu), budget); }

static int idle(const ir_cpu *cpu)
{
    const a64_cpu *c = (const a64_cpu *)cpu;
    return c->wfi || c->stopped;
}

static void state(ir_cpu *cpu, sv_io *io) { a64_cpu_state(arm(cpu), io); }

static uint64_t digest(const ir_cpu *cpu, uint64_t h)
{
    const a64_cpu *c = (const a64_cpu *)cpu;
    h = fnv1a(h, c->cpu.r, 35 * sizeof(uint64_t));
    h = fnv1a(h, &c->cpu.r[A64_VLO(0)], 64 * sizeof(uint64_t));
    h = fnv1a(h, &c->cpu.pc, sizeof(c->cpu.pc));
    return fnv1a(h, &c->el, offsetof(a64_cpu, counter) - offsetof(a64_cpu, el));
}

/* wvm_reg numbering for AArch64: 0..30 X0..X30, 31 SP, 32 PC, 33 CPSR
 * (PSTATE as SPSR), 65 instret, 66 traps (as GDB's aarch64 target and
 * the riscv numbering's counters). */
static uint64_t reg(ir_cpu *cpu, int index)
{
    a64_cpu *c = arm(cpu);
    if (index >= 0 && index < 31)
        return cpu->r[A64_X(index)];
    switch (index) {
    case 31: return cpu->r[A64_SP];
    case 32: return cpu->pc;
    case 33: return a64_pstate(c);
    case 65: return cpu->instret;
    case 66: return cpu->traps;
    default: return 0;
    }
}

static int set_reg(ir_cpu *cpu, int index, uint64_t value)
{
    if (index >= 0 && index < 31)
        cpu->r[A64_X(index)] = value;
    else if (index == 31)
        cpu->r[A64_SP] = value;
    else if (index == 32)
        cpu->pc = value;
    else if (index == 33)
        a64_set_pstate(arm(cpu), value);
    else
        return -1;
    return 0;
}

const cpu_class a64_cpu_class = {
    .size = sizeof(a64_cpu),
    .init = init,
    .run = run,
    .idle = idle,
    .state = state,
    .digest = digest,
    .reg = reg,
    .set_reg = set_reg,
    .gdb = &a64_gdb_target,
};
