/* The RV64GC hart as the core sees a CPU (core/board.h): run, state,
 * digest and registers in wvm_reg's numbering (core/wvm.h). */
#include <stddef.h>

#include "arch/riscv/hart.h"
#include "board/riscv_virt.h"
#include "core/gdb_target.h"
#include "core/state.h"
#include "mem/softmmu.h"

static rv_hart *hart(ir_cpu *cpu) { return (rv_hart *)cpu; }

static void init(ir_cpu *cpu, int id, phys_map *pm, ir_cache *cache, uint64_t reset_pc)
{
    rv_hart_init(hart(cpu), id, pm, cache, reset_pc);
}

static int64_t run(ir_cpu *cpu, int64_t budget) { return rv_hart_run(hart(cpu), budget); }

static int idle(const ir_cpu *cpu)
{
    const rv_hart *h = (const rv_hart *)cpu;
    return h->wfi || h->stopped;
}

static void state(ir_cpu *cpu, sv_io *io) { rv_hart_state(hart(cpu), io); }

static uint64_t digest(const ir_cpu *cpu, uint64_t h)
{
    const rv_hart *t = (const rv_hart *)cpu;
    h = fnv1a(h, t->cpu.r, 32 * sizeof(uint64_t));
    h = fnv1a(h, t->cpu.r + IR_FREG0, 32 * sizeof(uint64_t));
    h = fnv1a(h, &t->cpu.pc, sizeof(t->cpu.pc));
    h = fnv1a(h, &t->cpu.instret, sizeof(t->cpu.instret));
    h = fnv1a(h, &t->cpu.traps, sizeof(t->cpu.traps));
    return fnv1a(h, &t->priv, offsetof(rv_hart, mtime) - offsetof(rv_hart, priv)); /* the CSRs */
}

static uint64_t reg(ir_cpu *cpu, int index)
{
    rv_hart *h = hart(cpu);
    if (index >= 0x1000) { /* a CSR, read as M-mode would */
        ir_op op = {0};
        uint64_t v = 0;
        int priv = h->priv;
        h->priv = PRV_M;
        rv_csr_read(h, (unsigned)index - 0x1000, &v, &op);
        h->priv = priv;
        return v;
    }
    if (index == 67)
        return (uint64_t)h->priv;
    if (index > 66)
        return 0;
    const ir_cpu *c = &h->cpu;
    return index < 32 ? c->r[index] : index < 64 ? c->r[IR_FREG0 + index - 32] : index == 64 ? c->pc
                                                  : index == 65 ? c->instret : c->traps;
}

static int set_reg(ir_cpu *cpu, int index, uint64_t value)
{
    rv_hart *h = hart(cpu);
    if (index >= 0x1000 && index <= 0x1fff) {
        ir_op op = {0};
        int priv = h->priv, rc;
        h->priv = PRV_M;
        rc = rv_csr_write(h, (unsigned)index - 0x1000, value, &op);
        h->priv = priv;
        rv_update_mode(h);
        return rc;
    }
    if (index == 67 && (value == PRV_U || value == PRV_S || value == PRV_M)) {
        h->priv = (int)value;
        rv_update_mode(h);
        tlb_flush(&h->cpu);
        return 0;
    }
    if (index < 0 || index > 64)
        return -1;
    if (index == 64)
        h->cpu.pc = value;
    else if (index >= 32)
        h->cpu.r[IR_FREG0 + index - 32] = value;
    else if (index)
        h->cpu.r[index] = value;
    return 0;
}

const cpu_class riscv_cpu_class = {
    .size = sizeof(rv_hart),
    .init = init,
    .run = run,
    .idle = idle,
    .state = state,
    .digest = digest,
    .reg = reg,
    .set_reg = set_reg,
    .gdb = &riscv_gdb_target,
};
