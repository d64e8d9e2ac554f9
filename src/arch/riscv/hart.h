/* RISC-V hart state (RV64GC, M/S/U) and the front-end's entry points.
 * RISC-V Privileged Spec v1.12; Unprivileged Spec 20191213. */
#ifndef WVM_RISCV_HART_H
#define WVM_RISCV_HART_H

#include <stdint.h>

#include "ir/cpu.h"

enum { PRV_U = 0, PRV_S = 1, PRV_M = 3 };

/* Exception causes (Privileged Spec 3.1.15, table 3.6). */
enum {
    CAUSE_MISALIGNED_FETCH = 0, CAUSE_FETCH_ACCESS = 1, CAUSE_ILLEGAL = 2,
    CAUSE_BREAKPOINT = 3, CAUSE_MISALIGNED_LOAD = 4, CAUSE_LOAD_ACCESS = 5,
    CAUSE_MISALIGNED_STORE = 6, CAUSE_STORE_ACCESS = 7, CAUSE_ECALL_U = 8,
    CAUSE_ECALL_S = 9, CAUSE_ECALL_M = 11, CAUSE_FETCH_PAGE = 12,
    CAUSE_LOAD_PAGE = 13, CAUSE_STORE_PAGE = 15
};
#define CAUSE_INTERRUPT (1ull << 63)

/* Interrupt numbers (bits of mip/mie). */
enum { IRQ_SSI = 1, IRQ_MSI = 3, IRQ_STI = 5, IRQ_MTI = 7, IRQ_SEI = 9, IRQ_MEI = 11 };
#define MIP_SSIP (1ull << IRQ_SSI)
#define MIP_MSIP (1ull << IRQ_MSI)
#define MIP_STIP (1ull << IRQ_STI)
#define MIP_MTIP (1ull << IRQ_MTI)
#define MIP_SEIP (1ull << IRQ_SEI)
#define MIP_MEIP (1ull << IRQ_MEI)
#define MIP_S_MASK (MIP_SSIP | MIP_STIP | MIP_SEIP)

/* mstatus fields (Privileged Spec 3.1.6). */
#define MSTATUS_SIE (1ull << 1)
#define MSTATUS_MIE (1ull << 3)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_UBE (1ull << 6)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_SPP (1ull << 8)
#define MSTATUS_VS (3ull << 9)
#define MSTATUS_MPP (3ull << 11)
#define MSTATUS_FS (3ull << 13)
#define MSTATUS_XS (3ull << 15)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM (1ull << 18)
#define MSTATUS_MXR (1ull << 19)
#define MSTATUS_TVM (1ull << 20)
#define MSTATUS_TW (1ull << 21)
#define MSTATUS_TSR (1ull << 22)
#define MSTATUS_UXL (3ull << 32)
#define MSTATUS_SXL (3ull << 34)
#define MSTATUS_SD (1ull << 63)
#define MSTATUS_FS_SHIFT 13
#define SSTATUS_MASK (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | \
                      MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)

/* satp (Privileged Spec 4.1.11). */
enum { SATP_BARE = 0, SATP_SV39 = 8, SATP_SV48 = 9, SATP_SV57 = 10 };

/* block_flags layout: privilege in bits 0-1, mstatus.FS in bits 2-3. */
#define RV_FLAGS_PRIV(f) ((f) & 3)
#define RV_FLAGS_FS(f) (((f) >> 2) & 3)

#define RV_PMP_COUNT 16

/* block_flags bit 4: the hart has an enabled execute trigger, so each block
 * is one instruction that a trigger check precedes (RVH_TRIGGER). */
#define RV_FLAGS_TRIGGERS (1u << 4)

/* Sdtrig triggers (RISC-V Debug Specification 1.0, chapter 5). */
#define RV_NTRIGGERS 4
typedef struct rv_trigger {
    uint64_t tdata1; /* legalised: type 2 (mcontrol), 6 (mcontrol6) or 15 (disabled) */
    uint64_t tdata2; /* the guest-virtual address compared */
} rv_trigger;

typedef struct rv_hart {
    ir_cpu cpu; /* must be first */
    int priv;
    int wfi;     /* waiting for an interrupt */
    uint64_t wfis; /* WFI instructions executed (sleeping or not) */
    int stopped; /* not started (SBI HSM): does not run */
    uint64_t mhartid;
    uint64_t mstatus, misa, medeleg, mideleg, mie;
    uint64_t mip;     /* software-writable pending bits (SSIP, STIP, SEIP) */
    uint64_t mip_ext; /* pending bits driven by devices (MSIP, MTIP, MEIP, SEIP, STIP by Sstc) */
    uint64_t mtvec, mepc, mcause, mtval, mscratch, mcounteren, menvcfg, mcountinhibit;
    uint64_t stvec, sepc, scause, stval, sscratch, scounteren, senvcfg, satp;
    uint64_t stimecmp;
    uint64_t cycle_off, instret_off; /* counters = retired count + offset */
    uint32_t fflags, frm;
    uint8_t pmpcfg[RV_PMP_COUNT];
    uint64_t pmpaddr[RV_PMP_COUNT];
    int pmp_active; /* some entry has A != OFF */
    /* The last PMP answer for S and U mode that holds for whole pages:
     * [pmp_memo_lo, pmp_memo_lo + pmp_memo_size) has permissions
     * pmp_memo_perm (PMP R/W/X bits). Empty (size 0) after a PMP CSR write.
     * A page walk checks each PTE it reads; this skips the entry scan. */
    uint64_t pmp_memo_lo, pmp_memo_size;
    uint8_t pmp_memo_perm;
    rv_trigger trig[RV_NTRIGGERS];
    uint64_t tselect, tcontrol;
    unsigned trig_kinds; /* TDATA1 execute/store/load bits of the enabled triggers (derived) */
    uint64_t lr_addr, lr_val; /* reservation: guest-virtual address and loaded value */
    int lr_valid;
    /* Time source: mtime in ticks of the timebase (10 MHz on virt). */
    uint64_t (*mtime)(void *opaque);
    void *mtime_opaque;
    int sstc;   /* Sstc (stimecmp) implemented */
    /* Built-in SBI: called for ecall from S-mode instead of trapping to M;
     * returns nonzero if it handled the call (a0/a1 set). */
    int (*sbi_call)(struct rv_hart *h, void *opaque);
    void *sbi_opaque;
    int satp_max_mode; /* largest supported satp mode (SATP_SV39/48/57) */
} rv_hart;

/* Initialise hart `id` at reset: M-mode, pc = `reset_pc`, misa RV64IMAFDCSU
 * (+ Zba/Zbb/Zbs decoded), all TLBs empty. `pm` and `cache` are shared by
 * all harts of the machine. */
void rv_hart_init(rv_hart *h, int id, phys_map *pm, ir_cache *cache, uint64_t reset_pc);

/* Run the hart for at most `budget` guest instructions, taking pending
 * interrupts at block boundaries. Returns the instructions retired. A hart in
 * WFI with nothing pending returns 0 at once. */
int64_t rv_hart_run(rv_hart *h, int64_t budget);

/* Drive an interrupt line: set (level 1) or clear bit `irq` of the
 * device-driven part of mip, and wake the hart from WFI when it becomes
 * pending. */
void rv_set_irq(rv_hart *h, int irq, int level);

/* Nonzero when an interrupt is pending and enabled in mie (what wakes WFI). */
int rv_wfi_wakeup(const rv_hart *h);

/* Re-evaluate the Sstc timer line (mip.STIP) against mtime. */
void rv_update_stimecmp(rv_hart *h);

/* Recompute block_flags and MMU indexes after priv or mstatus changed. */
void rv_update_mode(rv_hart *h);

/* Take exception or interrupt `cause` (CAUSE_INTERRUPT set for interrupts)
 * with trap value `tval`, `epc` being the guest-virtual PC to save.
 * Privileged Spec 3.1.6.1, 3.1.7, 3.1.8, 4.1.1. Returns IR_TRAP. */
int rv_trap(rv_hart *h, uint64_t cause, uint64_t tval, uint64_t epc);

/* Take the highest-priority pending and enabled interrupt, if any, with
 * `epc` as the resume PC. Returns IR_TRAP if one was taken, else IR_OK. */
int rv_take_interrupt(rv_hart *h, uint64_t epc);

/* The Sv39/Sv48/Sv57 walker and PMP: see ir_arch.translate. */
int rv_translate(ir_cpu *cpu, uint64_t va, int access, int mmu_idx, uint64_t pc,
                 uint64_t *pa, uint64_t *page_size, int probe);
/* Raise the access fault of `access` at `va`: see ir_arch.access_fault. */
int rv_access_fault(ir_cpu *cpu, int access, uint64_t va, uint64_t pc, int misaligned);

/* Physical memory protection check of guest-physical `pa` for `access` at
 * privilege `priv` (Privileged Spec 3.7.1). Returns 1 if allowed. Sets
 * *uniform when the whole page containing `pa` gets the same answer. */
int rv_pmp_check(rv_hart *h, uint64_t pa, int access, int priv, int *uniform);

/* Recompute what PMP checks derive from pmpcfg/pmpaddr (pmp_active, the
 * memo) after they changed. The caller flushes the TLB. */
void rv_pmp_changed(rv_hart *h);

/* Save or load the hart's architectural state as section "hart"
 * (core/state.h). A load checks that the state is one the hart can be in
 * (privilege, satp mode, frm, its hart id) and leaves the TLB empty. */
struct sv_io;
void rv_hart_state(rv_hart *h, struct sv_io *io);

/* CSR access (Privileged Spec 2, 3.1, 4.1). `op` is the executing CSR
 * instruction (for exact counter values). Return 0, or -1 if the CSR does
 * not exist or is not accessible / writable at the current privilege. */
int rv_csr_read(rv_hart *h, unsigned csr, uint64_t *val, const ir_op *op);
int rv_csr_write(rv_hart *h, unsigned csr, uint64_t val, const ir_op *op);

/* Trigger CSRs tselect, tdata1-3, tinfo, tcontrol (Debug Spec 1.0, 5.7):
 * as rv_csr_read/rv_csr_write for CSR numbers 0x7a0-0x7a5; return -1 for
 * any other number. A write that changes a trigger updates the hart's
 * block flags and flushes its TLB (watched pages take the slow path). */
int rv_trigger_read(const rv_hart *h, unsigned csr, uint64_t *val);
int rv_trigger_write(rv_hart *h, unsigned csr, uint64_t val);

/* Before the instruction at guest-virtual `pc` (with RV_FLAGS_TRIGGERS):
 * raise the breakpoint exception (tval = pc) if an execute trigger fires
 * (Debug Spec 1.0, 5.5: address match, privilege, tcontrol.mte). Returns
 * IR_OK or IR_TRAP. */
int rv_trigger_exec(rv_hart *h, uint64_t pc);

/* ir_arch.data_trigger and ir_arch.trigger_page (load and store triggers). */
int rv_trigger_data(ir_cpu *cpu, uint64_t va, unsigned size, int kinds, uint64_t pc);
int rv_trigger_page(ir_cpu *cpu, uint64_t page);

/* tcontrol on a trap into M-mode (mpte = mte, mte = 0) and on mret
 * (mte = mpte): Debug Spec 1.0, 5.7.6. */
void rv_trigger_trap_to_m(rv_hart *h);
void rv_trigger_mret(rv_hart *h);

/* After the triggers changed (a CSR write or a state load): legalise each
 * tdata1, recompute trig_kinds, the block flags and the software MMU's
 * view (data_triggers; the TLB is flushed). */
void rv_triggers_changed(rv_hart *h);

/* The decoder (ir_arch.decode) and the helper table. */
int rv_decode_block(ir_cpu *cpu, ir_block *b, const uint8_t *code, unsigned max_ops);
extern const ir_helper_fn rv_helpers[];
extern const ir_arch rv_arch;

/* Guest PC of the instruction an op belongs to. */
static inline uint64_t rv_op_pc(const ir_cpu *cpu, const ir_op *op)
{
    return cpu->pc + op->pc_off;
}

#endif
