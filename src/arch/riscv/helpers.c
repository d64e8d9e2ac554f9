/* IR helpers of the RISC-V front-end: system instructions, Zicsr, A. */
#include <string.h>

#include "arch/riscv/hart.h"
#include "arch/riscv/helpers.h"
#include "ir/cache.h"
#include "ir/interp.h"
#include "mem/softmmu.h"

#define HART(cpu) ((rv_hart *)(cpu))

static int illegal(ir_cpu *cpu, const ir_op *op)
{
    return rv_trap(HART(cpu), CAUSE_ILLEGAL, op->aux, rv_op_pc(cpu, op));
}

/* Leave the block after a system instruction of length 4 (or 2 for c.ebreak
 * which only traps). Also checks for interrupts newly enabled. */
static int next(ir_cpu *cpu, const ir_op *op)
{
    cpu->pc = rv_op_pc(cpu, op) + 4;
    rv_take_interrupt(HART(cpu), cpu->pc);
    return IR_END;
}

static int h_ecall(ir_cpu *cpu, const ir_op *op)
{
    static const uint8_t cause[4] = {CAUSE_ECALL_U, CAUSE_ECALL_S, 0, CAUSE_ECALL_M};
    rv_hart *h = HART(cpu);
    if (h->priv == PRV_S && h->sbi_call && h->sbi_call(h, h->sbi_opaque))
        return next(cpu, op);
    return rv_trap(h, cause[h->priv], 0, rv_op_pc(cpu, op));
}

static int h_ebreak(ir_cpu *cpu, const ir_op *op)
{
    uint64_t pc = rv_op_pc(cpu, op);
    return rv_trap(HART(cpu), CAUSE_BREAKPOINT, pc, pc);
}

static int h_mret(ir_cpu *cpu, const ir_op *op)
{
    rv_hart *h = HART(cpu);
    if (h->priv < PRV_M)
        return illegal(cpu, op);
    uint64_t st = h->mstatus;
    int mpp = (int)((st & MSTATUS_MPP) >> 11);
    st = (st & ~MSTATUS_MIE) | ((st & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
    st |= MSTATUS_MPIE;
    st &= ~MSTATUS_MPP; /* MPP = U (least-privileged) */
    if (mpp != PRV_M)
        st &= ~MSTATUS_MPRV;
    h->mstatus = st;
    h->priv = mpp;
    rv_trigger_mret(h);
    rv_update_mode(h);
    cpu->pc = h->mepc;
    rv_take_interrupt(h, cpu->pc);
    return IR_END;
}

static int h_sret(ir_cpu *cpu, const ir_op *op)
{
    rv_hart *h = HART(cpu);
    if (h->priv < PRV_S || (h->priv == PRV_S && (h->mstatus & MSTATUS_TSR)))
        return illegal(cpu, op);
    uint64_t st = h->mstatus;
    int spp = (st & MSTATUS_SPP) ? PRV_S : PRV_U;
    st = (st & ~MSTATUS_SIE) | ((st & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
    st |= MSTATUS_SPIE;
    st &= ~(MSTATUS_SPP | MSTATUS_MPRV); /* leaving M-mode-free: MPRV cleared (3.1.6.3) */
    h->mstatus = st;
    h->priv = spp;
    rv_update_mode(h);
    cpu->pc = h->sepc;
    rv_take_interrupt(h, cpu->pc);
    return IR_END;
}

static int h_wfi(ir_cpu *cpu, const ir_op *op)
{
    rv_hart *h = HART(cpu);
    if (h->priv == PRV_U || (h->priv == PRV_S && (h->mstatus & MSTATUS_TW)))
        return illegal(cpu, op);
    h->wfis++;
    if (!rv_wfi_wakeup(h)) {
        h->wfi = 1;
        cpu->exit_req = 1;
    }
    return next(cpu, op);
}

static int h_fence_i(ir_cpu *cpu, const ir_op *op)
{
    /* Stores to code pages already invalidated stale blocks. */
    return next(cpu, op);
}

static int h_sfence_vma(ir_cpu *cpu, const ir_op *op)
{
    rv_hart *h = HART(cpu);
    if (h->priv == PRV_U || (h->priv == PRV_S && (h->mstatus & MSTATUS_TVM)))
        return illegal(cpu, op);
    if (op->rs1)
        tlb_flush_page(cpu, cpu->r[op->rs1]);
    else
        tlb_flush(cpu);
    return next(cpu, op);
}

/* Zicsr: csrrw, csrrs, csrrc and immediate forms (Unprivileged Spec 9.1). */
static int h_csr(ir_cpu *cpu, const ir_op *op)
{
    rv_hart *h = HART(cpu);
    uint32_t insn = op->aux;
    unsigned csr = insn >> 20, rs1 = op->rs1, rd = op->rd; /* rs1: a register or uimm */
    unsigned f3 = (insn >> 12) & 7;
    uint64_t src = (f3 & 4) ? rs1 : cpu->r[rs1], old = 0;
    int rw = (f3 & 3) == 1;
    /* Our CSR reads have no side effects, so csrrw with rd = x0 may read too. */
    if (rv_csr_read(h, csr, &old, op) != 0)
        return illegal(cpu, op);
    if (rw || rs1 != 0) {
        /* csrrs/csrrc of mip modify the software-writable SEIP bit, not the
         * value read (which ORs in the PLIC's line): Privileged Spec 3.1.9. */
        uint64_t base = csr == 0x344 ? (old & ~MIP_SEIP) | (h->mip & MIP_SEIP) : old;
        uint64_t v = rw ? src : (f3 & 3) == 2 ? base | src : base & ~src;
        if (rv_csr_write(h, csr, v, op) != 0)
            return illegal(cpu, op);
    }
    cpu->r[rd] = old; /* x0: IR_ZERO_SINK */
    return next(cpu, op);
}

/* A extension (Unprivileged Spec chapter 8). The reservation holds the
 * address and loaded value; SC succeeds if both still match (as QEMU). */
static int h_lr(ir_cpu *cpu, const ir_op *op)
{
    rv_hart *h = HART(cpu);
    unsigned size = (op->aux >> 12) & 1 ? 8 : 4;
    uint64_t va = cpu->r[op->rs1], v;
    uint64_t pc = rv_op_pc(cpu, op);
    if (va & (size - 1))
        return cpu->arch->access_fault(cpu, ACC_READ, va, pc, 1);
    if (mmu_load(cpu, va, size, &v, pc) != IR_OK)
        return IR_TRAP;
    if (size == 4)
        v = (uint64_t)(int64_t)(int32_t)v;
    h->lr_addr = va;
    h->lr_val = v;
    h->lr_valid = 1;
    cpu->r[op->rd] = v;
    return IR_OK;
}

static int h_sc(ir_cpu *cpu, const ir_op *op)
{
    rv_hart *h = HART(cpu);
    unsigned size = (op->aux >> 12) & 1 ? 8 : 4;
    uint64_t va = cpu->r[op->rs1], val = cpu->r[op->rs2];
    uint8_t *p = mmu_rmw_ptr(cpu, va, size, rv_op_pc(cpu, op));
    if (!p)
        return IR_TRAP;
    uint64_t cur = 0;
    memcpy(&cur, p, size);
    if (size == 4)
        cur = (uint64_t)(int64_t)(int32_t)cur;
    int ok = h->lr_valid && h->lr_addr == va && cur == h->lr_val;
    h->lr_valid = 0;
    if (ok)
        memcpy(p, &val, size);
    cpu->r[op->rd] = !ok;
    return IR_OK;
}

static int h_amo(ir_cpu *cpu, const ir_op *op)
{
    unsigned size = (op->aux >> 12) & 1 ? 8 : 4, f5 = op->aux >> 27;
    uint64_t va = cpu->r[op->rs1], b = cpu->r[op->rs2];
    uint8_t *p = mmu_rmw_ptr(cpu, va, size, rv_op_pc(cpu, op));
    if (!p)
        return IR_TRAP;
    uint64_t a = 0, r;
    memcpy(&a, p, size);
    if (size == 4) {
        a = (uint64_t)(int64_t)(int32_t)a;
        b = (uint64_t)(int64_t)(int32_t)b;
    }
    int64_t sa = (int64_t)a, sb = (int64_t)b;
    switch (f5) {
    case 0x01: r = b; break;                       /* amoswap */
    case 0x00: r = a + b; break;                   /* amoadd */
    case 0x04: r = a ^ b; break;                   /* amoxor */
    case 0x0c: r = a & b; break;                   /* amoand */
    case 0x08: r = a | b; break;                   /* amoor */
    case 0x10: r = sa < sb ? a : b; break;         /* amomin */
    case 0x14: r = sa > sb ? a : b; break;         /* amomax */
    case 0x18: r = a < b ? a : b; break;           /* amominu (W: compares sign-extended, same order) */
    default: r = a > b ? a : b; break;             /* amomaxu */
    }
    if (size == 4 && (f5 == 0x18 || f5 == 0x1c)) {
        uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
        r = f5 == 0x18 ? (ua < ub ? a : b) : (ua > ub ? a : b);
    }
    memcpy(p, &r, size);
    cpu->r[op->rd] = a;
    return IR_OK;
}

static int h_fs_dirty(ir_cpu *cpu, const ir_op *op)
{
    (void)op;
    rv_hart *h = HART(cpu);
    h->mstatus |= MSTATUS_FS;
    rv_update_mode(h);
    return IR_OK;
}

/* Before an instruction of a hart with execute triggers (Sdtrig). */
static int h_trigger(ir_cpu *cpu, const ir_op *op)
{
    return rv_trigger_exec(HART(cpu), rv_op_pc(cpu, op));
}

const ir_helper_fn rv_helpers[RVH_COUNT] = {
    [RVH_ILLEGAL] = illegal, [RVH_ECALL] = h_ecall, [RVH_EBREAK] = h_ebreak,
    [RVH_MRET] = h_mret, [RVH_SRET] = h_sret, [RVH_WFI] = h_wfi,
    [RVH_FENCE_I] = h_fence_i, [RVH_SFENCE_VMA] = h_sfence_vma, [RVH_CSR] = h_csr,
    [RVH_LR] = h_lr, [RVH_SC] = h_sc, [RVH_AMO] = h_amo, [RVH_FP] = rv_helper_fp,
    [RVH_FS_DIRTY] = h_fs_dirty, [RVH_TRIGGER] = h_trigger,
};

/* Descriptors (IR_HF_*): the helpers that end the block (ILLEGAL, ECALL,
 * EBREAK, MRET, SRET, WFI, FENCE_I, SFENCE_VMA, and CSR writes that change
 * the mode) leave compiled code anyway; an SBI call reads a0-a7. */
static const uint8_t rv_helper_flags[RVH_COUNT] = {
    [RVH_ECALL] = IR_HF_ANY, [RVH_SFENCE_VMA] = IR_HF_RS1,
    [RVH_CSR] = IR_HF_RS1 | IR_HF_RD, [RVH_LR] = IR_HF_RS1 | IR_HF_RD,
    [RVH_SC] = IR_HF_RS1 | IR_HF_RS2 | IR_HF_RD, [RVH_AMO] = IR_HF_RS1 | IR_HF_RS2 | IR_HF_RD,
    [RVH_FP] = IR_HF_ANY,
};

const ir_arch rv_arch = {
    .translate = rv_translate,
    .access_fault = rv_access_fault,
    .decode = rv_decode_block,
    .helpers = rv_helpers,
    .nhelpers = RVH_COUNT,
    .helper_flags = rv_helper_flags,
    .data_trigger = rv_trigger_data,
    .trigger_page = rv_trigger_page,
};

void rv_hart_init(rv_hart *h, int id, phys_map *pm, ir_cache *cache, uint64_t reset_pc)
{
    memset(h, 0, sizeof(*h));
    h->cpu.pm = pm;
    h->cpu.arch = &rv_arch;
    h->cpu.pc = reset_pc;
    ir_cache_attach(cache, &h->cpu);
    tlb_init(&h->cpu);
    h->mhartid = (uint64_t)id;
    /* RV64 (MXL=2) with A, C, D, F, I, M, S, U. */
    h->misa = (2ull << 62) | (1u << 0) | (1u << 2) | (1u << 3) | (1u << 5) | (1u << 8) |
              (1u << 12) | (1u << 18) | (1u << 20);
    h->priv = PRV_M;
    for (int i = 0; i < RV_NTRIGGERS; i++)
        h->trig[i].tdata1 = 2ull << 60; /* mcontrol, nothing enabled */
    h->satp_max_mode = SATP_SV57;
    rv_update_mode(h);
}
