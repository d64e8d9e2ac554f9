/* Indexes of the RISC-V front-end's IR helpers (ir_op.imm of HELPER ops). */
#ifndef WVM_RISCV_HELPERS_H
#define WVM_RISCV_HELPERS_H

enum rv_helper {
    RVH_ILLEGAL,     /* illegal instruction; aux = instruction bits */
    RVH_ECALL,
    RVH_EBREAK,
    RVH_MRET,
    RVH_SRET,
    RVH_WFI,
    RVH_FENCE_I,
    RVH_SFENCE_VMA,
    RVH_CSR,         /* all Zicsr instructions */
    RVH_LR,
    RVH_SC,
    RVH_AMO,
    RVH_FP,          /* every F/D instruction except loads and stores */
    RVH_FS_DIRTY,    /* mark mstatus.FS dirty before the first FP write of a block */
    RVH_TRIGGER,     /* execute triggers (Sdtrig) checked before an instruction */
    RVH_COUNT
};

/* F/D instruction helper (fp.c). */
int rv_helper_fp(struct ir_cpu *cpu, const struct ir_op *op);

#endif
