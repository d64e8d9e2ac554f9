/* Traps, interrupts, privilege changes. Privileged Spec v1.12, 3.1.6.1
 * (privilege and global interrupt stack), 3.1.9 (mip/mie priorities), 3.3.2
 * (mret/sret), 4.1.1. */
#include "arch/riscv/hart.h"
#include "ir/interp.h"
#include "mem/softmmu.h"

void rv_update_mode(rv_hart *h)
{
    ir_cpu *c = &h->cpu;
    static const uint8_t idx_of[4] = {MMU_U, MMU_S, MMU_S, MMU_M};
    int eff = h->priv;
    if (h->priv == PRV_M && (h->mstatus & MSTATUS_MPRV))
        eff = (int)((h->mstatus & MSTATUS_MPP) >> 11);
    c->fetch_idx = idx_of[h->priv];
    c->data_idx = idx_of[eff];
    if (eff == PRV_S && (h->mstatus & MSTATUS_SUM))
        c->data_idx = MMU_S_SUM;
    c->block_flags = (uint32_t)h->priv | (uint32_t)((h->mstatus & MSTATUS_FS) >> MSTATUS_FS_SHIFT) << 2 |
                     ((h->trig_kinds & 4) ? RV_FLAGS_TRIGGERS : 0); /* an execute trigger */
}

int rv_trap(rv_hart *h, uint64_t cause, uint64_t tval, uint64_t epc)
{
    int irq = (cause & CAUSE_INTERRUPT) != 0;
    unsigned code = (unsigned)(cause & 63);
    uint64_t deleg = irq ? h->mideleg : h->medeleg;
    uint64_t st = h->mstatus;
    h->wfi = 0;
    if (h->priv <= PRV_S && ((deleg >> code) & 1)) {
        h->scause = cause;
        h->sepc = epc;
        h->stval = tval;
        st = (st & ~(MSTATUS_SPIE | MSTATUS_SPP)) | ((st & MSTATUS_SIE) ? MSTATUS_SPIE : 0) |
             (h->priv == PRV_S ? MSTATUS_SPP : 0);
        st &= ~MSTATUS_SIE;
        h->priv = PRV_S;
        h->cpu.pc = (h->stvec & ~3ull) + ((irq && (h->stvec & 1)) ? 4ull * code : 0);
    } else {
        h->mcause = cause;
        h->mepc = epc;
        h->mtval = tval;
        st = (st & ~(MSTATUS_MPIE | MSTATUS_MPP)) | ((st & MSTATUS_MIE) ? MSTATUS_MPIE : 0) |
             ((uint64_t)h->priv << 11);
        st &= ~MSTATUS_MIE;
        h->priv = PRV_M;
        rv_trigger_trap_to_m(h);
        h->cpu.pc = (h->mtvec & ~3ull) + ((irq && (h->mtvec & 1)) ? 4ull * code : 0);
    }
    h->mstatus = st;
    rv_update_mode(h);
    return IR_TRAP;
}

/* Interrupts in decreasing priority (Privileged Spec 3.1.9). */
static const uint8_t irq_order[] = {IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI};

static int pending_interrupt(const rv_hart *h)
{
    uint64_t pend = (h->mip | h->mip_ext) & h->mie;
    if (!pend)
        return -1;
    uint64_t m = pend & ~h->mideleg, s = pend & h->mideleg;
    int m_on = h->priv < PRV_M || (h->mstatus & MSTATUS_MIE);
    int s_on = h->priv < PRV_S || (h->priv == PRV_S && (h->mstatus & MSTATUS_SIE));
    uint64_t take = (m_on ? m : 0) | (s_on ? s : 0);
    if (m_on && m)
        take = m; /* M-level interrupts preempt S-level ones */
    for (unsigned i = 0; i < sizeof(irq_order); i++)
        if ((take >> irq_order[i]) & 1)
            return irq_order[i];
    return -1;
}

int rv_take_interrupt(rv_hart *h, uint64_t epc)
{
    int irq = pending_interrupt(h);
    if (irq < 0)
        return IR_OK;
    return rv_trap(h, CAUSE_INTERRUPT | (uint64_t)irq, 0, epc);
}

int rv_wfi_wakeup(const rv_hart *h)
{
    return ((h->mip | h->mip_ext) & h->mie) != 0;
}

void rv_set_irq(rv_hart *h, int irq, int level)
{
    uint64_t bit = 1ull << irq;
    h->mip_ext = level ? (h->mip_ext | bit) : (h->mip_ext & ~bit);
    if (level)
        h->cpu.exit_req = 1; /* take it at the next block boundary */
}

int64_t rv_hart_run(rv_hart *h, int64_t budget)
{
    ir_cpu *c = &h->cpu;
    if (h->stopped)
        return 0;
    if (h->wfi) {
        if (!rv_wfi_wakeup(h))
            return 0;
        h->wfi = 0;
    }
    c->exit_req = 0;
    c->instret_limit = c->instret + (uint64_t)budget;
    int64_t done = 0;
    while (c->instret < c->instret_limit && !h->wfi && !h->stopped) {
        c->exit_req = 0;
        rv_take_interrupt(h, c->pc);
        done += ir_run(c);
        if (c->exit_req == 2) /* stop requested by the machine */
            break;
    }
    return done;
}
