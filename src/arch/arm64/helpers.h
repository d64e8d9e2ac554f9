/* Indexes of the A64 front-end's IR helpers (ir_op.imm of HELPER ops); the
 * raw instruction is in ir_op.aux. */
#ifndef WVM_ARM64_HELPERS_H
#define WVM_ARM64_HELPERS_H

enum a64_helper {
    A64H_UNDEFINED = 1, /* EC 0 (0 is not a helper: a zeroed table entry means none) */
    A64H_PC_ALIGN,      /* a block at a misaligned PC */
    A64H_SVC, A64H_HVC, A64H_SMC, A64H_BRK, A64H_HLT,
    A64H_ERET,
    A64H_MRS,           /* rd = system register */
    A64H_MSR,           /* system register = r[rs1]; ends the block */
    A64H_MSR_IMM,       /* MSR (immediate): PSTATE fields; ends the block */
    A64H_SYS,           /* DC, IC, TLBI, AT: r[rs1] is the operand */
    A64H_WFI,           /* WFI, WFE */
    A64H_CLREX,
    A64H_ADC,           /* ADC, ADCS, SBC, SBCS: rd, rs1 = rn, rs2 = rm (+ NZCV) */
    A64H_CRC32,         /* rd = CRC32(C)(rs1, rs2) */
    A64H_BITS,          /* RBIT, REV16, CLS: rd = f(rs1) */
    A64H_EXCL,          /* load/store exclusive, LDXP/STXP, CAS, CASP */
    A64H_ATOMIC,        /* LSE atomic memory operations, SWP */
    A64H_LDST_UNPRIV,   /* LDTR/STTR: as EL0 */
    A64H_ALIGN,         /* alignment fault unless r[rs1] is aligned to 1 << (aux & 7); aux bit 8: a write */
    A64H_FP_TRAP,       /* SIMD&FP access trapped by CPACR_EL1.FPEN: EC 0x07 */
    A64H_SIMD_LDST,     /* AdvSIMD structure loads/stores but LD1/ST1 multiple (simd_ldst.c) */
    A64H_FP_ARITH,      /* scalar FP 1- and 2-source: rd = f(rs1, rs2) (fp.c) */
    A64H_FP_COMPARE,    /* FCMP, FCMPE: rd (NZCV) from rs1, rs2 */
    A64H_FP_TO_INT,     /* FCVT*S/U: rd (X) from rs1 (V low half) */
    A64H_FP_FROM_INT,   /* SCVTF, UCVTF: rd (V low half) from rs1 (X) */
    A64H_FP_OTHER,      /* FCCMP(E), FMADD/FMSUB/FNMADD/FNMSUB: registers from aux */
    A64H_SIMD,          /* AdvSIMD data processing (simd*.c): registers from aux */
    A64H_COUNT
};

#endif
