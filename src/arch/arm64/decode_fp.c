/* Scalar floating-point encodings (Arm ARM C4.1.95, "Data Processing --
 * Scalar Floating-Point and Advanced SIMD", the groups with op0 = x0x1):
 * FMOV (register, general, immediate), FABS, FNEG and FCSEL are IR ops on
 * the V registers' low halves; arithmetic, compares and conversions are
 * helpers (fp.c) that see FPCR and accrue FPSR. */
#include "arch/arm64/decode.h"
#include "arch/arm64/fp.h"
#include "arch/arm64/helpers.h"

/* Vd's low half = r[src] (its low 8 << fmt bytes), the rest of Vd zeroed. */
static void write_scalar(a64_dec *d, unsigned vd, int src, int fmt)
{
    if (fmt == FP_F64)
        a64_emit(d, IR_ADDI, A64_VLO(vd), src, 0, 0, 0);
    else if (fmt == FP_F32)
        a64_emit(d, IR_ADDUW, A64_VLO(vd), src, 0, 0, 0);
    else
        a64_emit(d, IR_ZEXTH, A64_VLO(vd), src, 0, 0, 0);
    a64_emit(d, IR_ADDI, A64_VHI(vd), 0, 0, 0, 0);
}

/* A helper computing Vd's low half (rd), then the rest of Vd zeroed. */
static void helper_to_vd(a64_dec *d, int idx, unsigned vd, int rs1, int rs2)
{
    a64_helper(d, idx, A64_VLO(vd), rs1, rs2, 0);
    a64_emit(d, IR_ADDI, A64_VHI(vd), 0, 0, 0, 0);
}

/* VFPExpandImm (Arm ARM J1): the FMOV immediate imm8 in format fmt. */
static uint64_t expand_imm(unsigned imm8, int fmt)
{
    unsigned e = fmt == FP_F64 ? 11 : 8, f = fmt == FP_F64 ? 52 : 23, b6 = (imm8 >> 6) & 1;
    uint64_t exp = (uint64_t)!b6 << (e - 1) | (b6 ? ((1ull << (e - 3)) - 1) << 2 : 0) | ((imm8 >> 4) & 3);
    return (uint64_t)(imm8 >> 7) << (e + f) | exp << f | (uint64_t)(imm8 & 15) << (f - 4);
}

/* FP <-> integer conversions and FMOV (general), bit 21 = 1, bits 15:10 = 0. */
static int int_conversion(a64_dec *d, int fmt)
{
    uint32_t i = d->insn;
    unsigned sf = i >> 31, type = (i >> 22) & 3, rmode = (i >> 19) & 3, opcode = (i >> 16) & 7;
    unsigned rn = (i >> 5) & 31, rd = i & 31;
    if (opcode >= 6) { /* FMOV (general) */
        int to_v = opcode == 7;
        if (rmode == 0 && ((sf == 0 && type == 0) || (sf == 1 && type == 1))) {
            if (to_v)
                write_scalar(d, rd, a64_xr(rn), fmt);
            else
                a64_emit(d, sf ? IR_ADDI : IR_ADDUW, a64_xw(rd), A64_VLO(rn), 0, 0, 0);
            return 0;
        }
        if (rmode == 1 && sf == 1 && type == 2) { /* the top half: FMOV Vd.D[1], Xn and FMOV Xd, Vn.D[1] */
            if (to_v)
                a64_emit(d, IR_ADDI, A64_VHI(rd), a64_xr(rn), 0, 0, 0);
            else
                a64_emit(d, IR_ADDI, a64_xw(rd), A64_VHI(rn), 0, 0, 0);
            return 0;
        }
        return a64_undefined(d);
    }
    if (fmt < 0 || fmt == FP_F16 || (opcode >= 2 && rmode != 0)) /* SCVTF, UCVTF, FCVTA*: rmode 0 */
        return a64_undefined(d);
    if ((opcode & 6) == 2) { /* SCVTF, UCVTF */
        helper_to_vd(d, A64H_FP_FROM_INT, rd, a64_xr(rn), 0);
        return 0;
    }
    a64_helper(d, A64H_FP_TO_INT, a64_xw(rd), A64_VLO(rn), 0, 0); /* FCVT{N,P,M,Z}{S,U}, FCVTA{S,U} */
    return 0;
}

/* Fixed-point conversions: FCVTZS, FCVTZU, SCVTF, UCVTF (bit 21 = 0). */
static int fixed_conversion(a64_dec *d, int fmt)
{
    uint32_t i = d->insn;
    unsigned sf = i >> 31, rmode_opcode = (i >> 16) & 31, scale = (i >> 10) & 63, rn = (i >> 5) & 31, rd = i & 31;
    if (fmt < 0 || fmt == FP_F16 || (!sf && scale < 32))
        return a64_undefined(d);
    if (rmode_opcode == 2 || rmode_opcode == 3)
        helper_to_vd(d, A64H_FP_FROM_INT, rd, a64_xr(rn), 0);
    else if (rmode_opcode == 0x18 || rmode_opcode == 0x19)
        a64_helper(d, A64H_FP_TO_INT, a64_xw(rd), A64_VLO(rn), 0, 0);
    else
        return a64_undefined(d);
    return 0;
}

/* 1-source: FMOV, FABS, FNEG (IR), FSQRT, FCVT, FRINT* (helper). */
static int one_source(a64_dec *d, int fmt)
{
    uint32_t i = d->insn;
    unsigned opcode = (i >> 15) & 63, rn = (i >> 5) & 31, rd = i & 31;
    if (opcode >= 4 && opcode < 8) { /* FCVT: to single (0), double (1), half (3) */
        int to = a64_fp_format(opcode & 3);
        if (fmt < 0 || to < 0 || to == fmt)
            return a64_undefined(d);
        helper_to_vd(d, A64H_FP_ARITH, rd, A64_VLO(rn), A64_VLO(rn));
        return 0;
    }
    if (fmt < 0 || fmt == FP_F16 || opcode > 15 || opcode == 13)
        return a64_undefined(d);
    uint64_t sign = fmt == FP_F64 ? 1ull << 63 : 1ull << 31;
    switch (opcode) {
    case 0: /* FMOV */
        write_scalar(d, rd, A64_VLO(rn), fmt);
        return 0;
    case 1: /* FABS */
        a64_and_imm(d, A64_T0, A64_VLO(rn), sign - 1);
        write_scalar(d, rd, A64_T0, fmt);
        return 0;
    case 2: /* FNEG */
        a64_movi(d, A64_T3, sign);
        a64_emit(d, IR_XOR, A64_T0, A64_VLO(rn), A64_T3, 0, 0);
        write_scalar(d, rd, A64_T0, fmt);
        return 0;
    default: /* FSQRT, FRINT* */
        helper_to_vd(d, A64H_FP_ARITH, rd, A64_VLO(rn), A64_VLO(rn));
        return 0;
    }
}

int a64_fp_scalar(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned type = (i >> 22) & 3, rn = (i >> 5) & 31, rd = i & 31, rm = (i >> 16) & 31;
    int fmt = a64_fp_format(type);
    if ((i >> 24) & 1) { /* 3-source: FMADD, FMSUB, FNMADD, FNMSUB */
        if (i >> 29 || fmt < 0 || fmt == FP_F16)
            return a64_undefined(d);
        a64_helper(d, A64H_FP_OTHER, 0, 0, 0, 0);
        return 0;
    }
    if (!((i >> 21) & 1)) {
        if ((i >> 29) & 1)
            return a64_undefined(d);
        return fixed_conversion(d, fmt);
    }
    if (((i >> 10) & 63) == 0) {
        if ((i >> 29) & 1)
            return a64_undefined(d);
        return int_conversion(d, fmt);
    }
    if ((i >> 29) & 3 || fmt < 0)
        return a64_undefined(d);
    switch ((i >> 10) & 3) {
    case 1: /* FCCMP, FCCMPE */
        if (fmt == FP_F16)
            return a64_undefined(d);
        a64_helper(d, A64H_FP_OTHER, 0, 0, 0, 0);
        return 0;
    case 2: /* 2-source */
        if (fmt == FP_F16 || ((i >> 12) & 15) > 8)
            return a64_undefined(d);
        helper_to_vd(d, A64H_FP_ARITH, rd, A64_VLO(rn), A64_VLO(rm));
        return 0;
    case 3: /* FCSEL */
        if (fmt == FP_F16)
            return a64_undefined(d);
        a64_emit(d, IR_COND, A64_T0, A64_NZCV, 0, (int32_t)((i >> 12) & 15), 0);
        a64_emit(d, IR_SEL, A64_T1, A64_VLO(rn), A64_VLO(rm), 0, A64_T0);
        write_scalar(d, rd, A64_T1, fmt);
        return 0;
    }
    if (((i >> 10) & 31) == 16) /* 1-source */
        return one_source(d, fmt);
    if (((i >> 10) & 15) == 8) { /* FCMP, FCMPE */
        if (fmt == FP_F16 || (i >> 14) & 3 || i & 7)
            return a64_undefined(d);
        a64_helper(d, A64H_FP_COMPARE, A64_NZCV, A64_VLO(rn), A64_VLO(rm), 0);
        return 0;
    }
    if (((i >> 10) & 7) == 4) { /* FMOV (scalar, immediate) */
        if (fmt == FP_F16 || (i >> 5) & 31)
            return a64_undefined(d);
        a64_movi(d, A64_T0, expand_imm((i >> 13) & 0xff, fmt));
        write_scalar(d, rd, A64_T0, fmt);
        return 0;
    }
    return a64_undefined(d);
}

int a64_fp_simd(a64_dec *d)
{
    uint32_t i = d->insn;
    if (d->fptrap)
        return a64_fp_trap(d);
    if ((i >> 28 & 1) && !(i >> 30 & 1))
        return a64_fp_scalar(d);
    if (i >> 31)
        return a64_undefined(d);
    return a64_simd(d);
}
