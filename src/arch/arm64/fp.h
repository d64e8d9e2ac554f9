/* The Arm floating-point environment over the shared soft-float library:
 * FPCR to an fp_env and the accrued flags to FPSR (Arm ARM D17.2.48 FPCR,
 * D17.2.51 FPSR), and the scalar FP helpers (fp.c). */
#ifndef WVM_ARM64_FP_H
#define WVM_ARM64_FP_H

#include "arch/arm64/cpu.h"
#include "fp/softfp.h"

/* FPCR: AHP (26), DN (25), FZ (24), RMode (23:22); the trap enables are
 * RAZ/WI (untrapped exceptions only), FZ16 is RES0 (no FEAT_FP16). FPSR:
 * QC (27), IDC (7), IXC, UFC, OFC, DZC, IOC (4:0). */
#define FPCR_MASK 0x07c00000ull
#define FPCR_DN (1ull << 25)
#define FPCR_FZ (1ull << 24)
#define FPSR_MASK 0x0800009full
#define FPSR_QC (1ull << 27)

/* The fp_env of FPCR: its rounding mode (or `rm` if >= 0, an FP_* mode
 * named by the instruction), DN and FZ, no flags. */
fp_env a64_fp_env(const a64_cpu *c, int rm);
/* OR the flags e accrued into FPSR's cumulative bits (IOC..IDC). */
void a64_fp_accrue(a64_cpu *c, const fp_env *e);
/* The soft-float format of an FP type field (bits 23:22): 0 single,
 * 1 double, 3 half; -1 for 2. */
int a64_fp_format(unsigned type);

/* Scalar FP helpers (C7.2, the instruction in op->aux):
 * a64_fp_arith_helper: 1- and 2-source data processing, r[rd] = f(r[rs1], r[rs2]);
 * a64_fp_compare_helper: FCMP/FCMPE, NZCV r[rd] from r[rs1], r[rs2] (or 0.0);
 * a64_fp_to_int_helper: FCVT*S/U (integer and fixed-point), r[rd] = X/W from r[rs1];
 * a64_fp_from_int_helper: SCVTF/UCVTF (integer and fixed-point), r[rd] from X/W r[rs1];
 * a64_fp_other_helper: FCCMP/FCCMPE and FMADD/FMSUB/FNMADD/FNMSUB (registers from aux). */
int a64_fp_arith_helper(ir_cpu *cpu, const ir_op *op);
int a64_fp_compare_helper(ir_cpu *cpu, const ir_op *op);
int a64_fp_to_int_helper(ir_cpu *cpu, const ir_op *op);
int a64_fp_from_int_helper(ir_cpu *cpu, const ir_op *op);
int a64_fp_other_helper(ir_cpu *cpu, const ir_op *op);

/* NZCV (bits 31:28) of an fp_compare result (Arm ARM J1 FPCompare). */
static inline uint64_t a64_fp_nzcv(int cmp)
{
    static const uint8_t nzcv[4] = {0x8, 0x6, 0x2, 0x3}; /* less, equal, greater, unordered */
    return (uint64_t)nzcv[cmp + 1] << 28;
}

#endif
