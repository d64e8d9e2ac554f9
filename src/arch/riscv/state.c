/* A hart's architectural state as a state section (core/state.h): integer
 * and FP registers, pc, counters, privilege, every CSR, PMP, the LR
 * reservation and the WFI/HSM run state. TLBs, jump cache and translated
 * blocks are caches: a loaded hart starts with them empty. */

#include "arch/riscv/hart.h"
#include "core/state.h"
#include "mem/softmmu.h"

#define RV_STATE_VERSION 2 /* 2: Sdtrig triggers and tcontrol */

void rv_hart_state(rv_hart *h, sv_io *io)
{
    uint32_t version = sv_begin(io, "hart", RV_STATE_VERSION);
    if (!version)
        return;
    uint64_t id = h->mhartid;
    SV(io, id);
    sv_bytes(io, h->cpu.r, 32 * sizeof(uint64_t));
    sv_bytes(io, h->cpu.r + IR_FREG0, 32 * sizeof(uint64_t));
    SV(io, h->cpu.pc);
    SV(io, h->cpu.instret);
    SV(io, h->cpu.traps);
    SV(io, h->priv);
    SV(io, h->wfi);
    SV(io, h->wfis);
    SV(io, h->stopped);
    SV(io, h->mstatus), SV(io, h->misa), SV(io, h->medeleg), SV(io, h->mideleg), SV(io, h->mie);
    SV(io, h->mip), SV(io, h->mip_ext);
    SV(io, h->mtvec), SV(io, h->mepc), SV(io, h->mcause), SV(io, h->mtval), SV(io, h->mscratch);
    SV(io, h->mcounteren), SV(io, h->menvcfg), SV(io, h->mcountinhibit);
    SV(io, h->stvec), SV(io, h->sepc), SV(io, h->scause), SV(io, h->stval), SV(io, h->sscratch);
    SV(io, h->scounteren), SV(io, h->senvcfg), SV(io, h->satp), SV(io, h->stimecmp);
    SV(io, h->cycle_off), SV(io, h->instret_off);
    SV(io, h->fflags), SV(io, h->frm);
    SV(io, h->pmpcfg), SV(io, h->pmpaddr);
    SV(io, h->lr_addr), SV(io, h->lr_val), SV(io, h->lr_valid);
    if (version >= 2)
        SV(io, h->trig), SV(io, h->tselect), SV(io, h->tcontrol);
    sv_end(io);
    if (!io->load || io->err)
        return;
    unsigned mode = (unsigned)(h->satp >> 60);
    if (id != h->mhartid || h->tselect >= RV_NTRIGGERS ||
        (h->priv != PRV_U && h->priv != PRV_S && h->priv != PRV_M) || h->frm > 7 ||
        h->fflags > 31 || (mode != SATP_BARE && (mode < SATP_SV39 || mode > (unsigned)h->satp_max_mode))) {
        sv_fail(io, "hart %llu: the saved state is not one this hart can be in", (unsigned long long)h->mhartid);
        return;
    }
    rv_pmp_changed(h);
    h->cpu.r[0] = 0;
    rv_triggers_changed(h); /* legalises tdata1, flushes the TLB, recomputes the mode */
}
