/* AArch64 CPU state (EL0 and EL1, A64) and the front-end's entry points.
 * Arm Architecture Reference Manual for A-profile (Arm ARM, DDI 0487),
 * chapters C1-C6 (A64), D1 (exceptions), D8 (VMSAv8-64). */
#ifndef WVM_ARM64_CPU_H
#define WVM_ARM64_CPU_H

#include <stdint.h>

#include "ir/cpu.h"

/* IR register map: r[0] reads as XZR (never written), X0..X30 are r[1..31],
 * writes to XZR go to IR_ZERO_SINK; SP (of the current EL and SPSel) and
 * NZCV (bits 31:28) have their own slots; temporaries follow. */
#define A64_X(n) ((uint8_t)((n) + 1))
enum { A64_SP = 33, A64_NZCV = 34, A64_T0 = 35, A64_T1, A64_T2, A64_T3 };
/* The SIMD&FP registers V0..V31 (128 bits, Arm ARM C1.2.5) as two IR
 * registers each: V(n) bits 63:0 in r[A64_VLO(n)] = r[64 + 2n], bits
 * 127:64 in r[A64_VHI(n)] = r[65 + 2n]. B, H, S and D(n) are the low bits
 * of A64_VLO(n); writing one of them zeroes the rest of V(n). */
#define A64_VLO(n) ((uint8_t)(64 + 2 * (n)))
#define A64_VHI(n) ((uint8_t)(65 + 2 * (n)))

/* MMU indexes (mem/tlb.h): EL0, EL1 with PSTATE.PAN, EL1 without. */
enum { A64_MMU_EL0 = 0, A64_MMU_EL1_PAN = 1, A64_MMU_EL1 = 2 };

/* Exception classes (Arm ARM D17.2.37, ESR_ELx.EC). */
enum {
    EC_UNKNOWN = 0x00, EC_WFX = 0x01, EC_FP = 0x07, EC_ILLEGAL_STATE = 0x0e, EC_SVC = 0x15, EC_HVC = 0x16,
    EC_SMC = 0x17, EC_SYSREG = 0x18, EC_IABT_LOW = 0x20, EC_IABT_CUR = 0x21, EC_PC_ALIGN = 0x22,
    EC_DABT_LOW = 0x24, EC_DABT_CUR = 0x25, EC_SP_ALIGN = 0x26, EC_BRK = 0x3c
};

/* Fault status codes of a data or instruction abort (ESR_ELx.ISS DFSC/IFSC). */
enum {
    FSC_ADDR_SIZE = 0x00, FSC_TRANSLATION = 0x04, FSC_ACCESS_FLAG = 0x08, FSC_PERMISSION = 0x0c,
    FSC_EXTERNAL = 0x10, FSC_ALIGNMENT = 0x21
};

/* Exception vector offsets (Arm ARM D1.10.2). */
enum { VEC_SYNC = 0x000, VEC_IRQ = 0x080, VEC_FIQ = 0x100, VEC_SERROR = 0x180 };

/* block_flags: the EL in bit 0; bit 1: loads and stores check alignment
 * (SCTLR_EL1.A, or the MMU off: every access is to Device memory); bit 2:
 * SIMD&FP instructions trap (CPACR_EL1.FPEN at this EL, Arm ARM D17.2.30). */
#define A64_FLAGS_EL(f) ((f) & 1)
#define A64_FLAGS_ALIGN 2u
#define A64_FLAGS_FPTRAP 4u

/* SCTLR_EL1 and TCR_EL1 bits used (Arm ARM D17.2.118, D17.2.131). */
#define SCTLR_M (1ull << 0)
#define SCTLR_A (1ull << 1)
#define SCTLR_UMA (1ull << 9)
#define SCTLR_NTWI (1ull << 16)
#define SCTLR_NTWE (1ull << 18)
#define SCTLR_SPAN (1ull << 23)
#define SCTLR_UCT (1ull << 15)
#define SCTLR_DZE (1ull << 14)
#define SCTLR_UCI (1ull << 26)
#define PSTATE_PAN (1ull << 22)

/* CNTKCTL_EL1 and CNT{P,V}_CTL_EL0 bits (Arm ARM D17.8). */
#define CNTKCTL_EL0VTEN (1ull << 8)
#define CNTKCTL_EL0PTEN (1ull << 9)
#define CNT_CTL_ENABLE 1ull
#define CNT_CTL_IMASK 2ull
#define CNT_CTL_ISTATUS 4ull

typedef struct a64_cpu {
    ir_cpu cpu; /* must be first */
    int el;              /* exception level: 0 or 1 */
    int spsel;           /* PSTATE.SP: 1 uses SP_EL1 at EL1 */
    uint64_t daif;       /* PSTATE.{D,A,I,F} in bits 9:6 */
    uint64_t pan;        /* PSTATE.PAN in bit 22 */
    int wfi;             /* waiting for an interrupt (WFI/WFE) */
    int stopped;         /* powered off (PSCI), does not run */
    uint64_t sp_el0, sp_el1; /* banked SPs; the one in use is in r[A64_SP] */
    int sp_cur;          /* which: 0 SP_EL0, 1 SP_EL1 */
    int irq, fiq;        /* interrupt request lines from the interrupt controller */
    uint64_t elr_el1, spsr_el1, esr_el1, far_el1, vbar_el1, par_el1;
    uint64_t sctlr_el1, tcr_el1, ttbr0_el1, ttbr1_el1, mair_el1, amair_el1, contextidr_el1;
    uint64_t tpidr_el0, tpidrro_el0, tpidr_el1, cpacr_el1, mdscr_el1, cntkctl_el1, afsr0_el1, afsr1_el1, csselr_el1;
    uint64_t cntv_ctl, cntv_cval, cntp_ctl, cntp_cval;
    uint64_t fpcr, fpsr; /* Arm ARM D17.2.48, D17.2.51: only the bits implemented (FPCR_MASK, FPSR_MASK) */
    uint64_t mpidr;
    /* Exclusive monitor (LDXR/STXR): guest-virtual address, size in bytes
     * and the values loaded; a store-exclusive succeeds if memory still
     * holds them (as RISC-V's LR/SC). */
    uint64_t excl_addr, excl_val[2];
    int excl_size, excl_valid;
    /* The board: the counter (CNTPCT, ticks of CNTFRQ), and calls a board
     * answers (semihosting HLT #0xf000, PSCI over HVC/SMC): return nonzero
     * if handled (registers set). */
    uint64_t (*counter)(void *opaque);
    uint64_t cntfrq;
    int (*semihost)(struct a64_cpu *c, void *opaque);
    int (*psci)(struct a64_cpu *c, void *opaque);
    /* The interrupt controller's CPU interface: an EL1 access to system
     * register `key` (op0:op1:CRn:CRm:op2, MRS bits 20:5) that is none of
     * the CPU's own; returns 1 if it is the controller's (*v read or
     * written), 0 if not (UNDEFINED). */
    int (*cpuif)(struct a64_cpu *c, unsigned key, int write, uint64_t *v);
    /* After the guest accessed a timer's CTL, CVAL or TVAL: the board
     * drives the timer's interrupt line again. */
    void (*timer_changed)(struct a64_cpu *c);
    void *board_opaque;
    uint32_t probe_fsc; /* fault status of the last translation that failed (AT) */
} a64_cpu;

/* Reset CPU `id` at EL1h with the MMU off, pc = `reset_pc`, DAIF masked. */
void a64_cpu_init(a64_cpu *c, int id, phys_map *pm, ir_cache *cache, uint64_t reset_pc);

/* Warm reset (PSCI CPU_ON): architectural state as a64_cpu_init leaves it,
 * pc = `reset_pc`; the board's hooks, the interrupt lines and the
 * retired-instruction count stay. */
void a64_cpu_reset(a64_cpu *c, uint64_t reset_pc);

/* Run up to `budget` guest instructions (fewer if it waits for an
 * interrupt or stops). Returns the instructions run. */
int64_t a64_run(a64_cpu *c, int64_t budget);

/* Take a synchronous exception to EL1 (Arm ARM D1.10): class `ec`,
 * syndrome `iss`, return address `elr` (guest-virtual); FAR_EL1 = `far`
 * when `has_far`. cpu->pc becomes the vector. Returns IR_TRAP. */
int a64_exception(a64_cpu *c, unsigned ec, uint32_t iss, uint64_t elr, uint64_t far, int has_far);

/* Take an exception to EL1 at vector `vector` (VEC_*): SPSR_EL1 and
 * ELR_EL1 saved, ESR_EL1 = `esr` for a synchronous one, FAR_EL1 = `far`
 * when `has_far`, PSTATE to EL1h with DAIF masked. Returns IR_TRAP. */
int a64_exception_to(a64_cpu *c, unsigned vector, uint64_t esr, uint64_t elr, uint64_t far, int has_far);

/* PSTATE as SPSR_EL1 saves it (Arm ARM C5.2.18). */
uint64_t a64_pstate(const a64_cpu *c);

/* Set PSTATE from an SPSR value (ERET); the SP, MMU indexes and block
 * flags follow. */
void a64_set_pstate(a64_cpu *c, uint64_t spsr);

/* Recompute the SP in use, the MMU indexes and the block flags after EL,
 * PAN or SPSel changed (the SP in use is banked out first). */
void a64_update_mode(a64_cpu *c);

/* Take a pending, unmasked IRQ or FIQ (Arm ARM D1.10.2) with `pc` as the
 * return address. Returns nonzero if one was taken. */
int a64_take_interrupt(a64_cpu *c, uint64_t pc);

/* Flush the TLBs of every CPU sharing c's block cache (TLBI ...IS) or of c. */
void a64_tlb_flush_all(a64_cpu *c, int shareable);

/* VMSAv8-64 stage 1 translation (ir_arch.translate; Arm ARM D8). */
int a64_translate(ir_cpu *cpu, uint64_t va, int access, int mmu_idx, uint64_t pc, uint64_t *pa,
                  uint64_t *page_size, int probe);
/* An access with no RAM or device behind it: synchronous external abort. */
int a64_access_fault(ir_cpu *cpu, int access, uint64_t va, uint64_t pc, int misaligned);

/* Decode A64 code into an IR block (ir_arch.decode). */
int a64_decode_block(ir_cpu *cpu, ir_block *b, const uint8_t *code, unsigned max_ops);

/* MRS/MSR and system instructions (sysreg.c): the helper of a system
 * register access whose raw instruction is op->aux. */
int a64_sysreg_helper(ir_cpu *cpu, const ir_op *op);
int a64_sys_helper(ir_cpu *cpu, const ir_op *op);

/* Save or load the CPU's architectural state as section "arm64" (core/state.h). */
struct sv_io;
void a64_cpu_state(a64_cpu *c, struct sv_io *io);

/* The AArch64 CPU as a cpu_class (core/board.h). */
struct cpu_class;
extern const struct cpu_class a64_cpu_class;

/* The guest-virtual address of op `op`'s instruction. */
static inline uint64_t a64_op_pc(const ir_cpu *cpu, const ir_op *op) { return cpu->pc + op->pc_off; }

#endif
