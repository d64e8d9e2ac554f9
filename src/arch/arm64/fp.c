/* Scalar floating-point instructions (Arm ARM C7.2; the FP* functions of
 * J1) over the shared soft-float library: results and FPSR flags exact in
 * every FPCR rounding mode, with FPCR.DN and FPCR.FZ. */
#include "arch/arm64/fp.h"

fp_env a64_fp_env(const a64_cpu *c, int rm)
{
    static const uint8_t rmode[4] = {FP_RNE, FP_RUP, FP_RDN, FP_RTZ};
    fp_env e = {rm >= 0 ? (uint8_t)rm : rmode[(c->fpcr >> 22) & 3], FP_ARM, 0};
    if (c->fpcr & FPCR_DN)
        e.mode |= FP_DN;
    if (c->fpcr & FPCR_FZ)
        e.mode |= FP_FZ;
    return e;
}

void a64_fp_accrue(a64_cpu *c, const fp_env *e)
{
    uint32_t f = e->flags;
    c->fpsr |= (f & FP_NV ? 1u : 0) | (f & FP_DZ ? 2u : 0) | (f & FP_OF ? 4u : 0) | (f & FP_UF ? 8u : 0) |
               (f & FP_NX ? 16u : 0) | (f & FP_ID ? 128u : 0);
}

int a64_fp_format(unsigned type)
{
    static const int8_t fmt[4] = {FP_F32, FP_F64, -1, FP_F16};
    return fmt[type & 3];
}

#define ARM(cpu) ((a64_cpu *)(cpu))
/* The width mask of a format's values in a register. */
static uint64_t width_mask(int fmt) { return fmt == FP_F64 ? ~0ull : fmt == FP_F32 ? 0xffffffffull : 0xffffull; }

/* FRINT rounding of 1-source opcode 8..15 (N, P, M, Z, A, -, X, I); -1: FPCR's. */
static const int8_t frint_rm[8] = {FP_RNE, FP_RUP, FP_RDN, FP_RTZ, FP_RMM, -1, -1, -1};

/* 1-source (bit 21 = 1, bits 14:10 = 10000) and 2-source (bits 11:10 = 10)
 * data processing; the decoder accepted the encoding. */
int a64_fp_arith_helper(ir_cpu *cpu, const ir_op *op)
{
    a64_cpu *c = ARM(cpu);
    uint32_t i = op->aux;
    int fmt = a64_fp_format(i >> 22);
    uint64_t mask = width_mask(fmt), a = cpu->r[op->rs1] & mask, b = cpu->r[op->rs2] & mask, r;
    fp_env e;
    if (((i >> 10) & 3) == 2) { /* 2-source: FMUL FDIV FADD FSUB FMAX FMIN FMAXNM FMINNM FNMUL */
        unsigned opcode = (i >> 12) & 15;
        e = a64_fp_env(c, -1);
        switch (opcode) {
        case 0: case 8: r = fp_mul(fmt, a, b, &e); break;
        case 1: r = fp_div(fmt, a, b, &e); break;
        case 2: r = fp_add(fmt, a, b, &e); break;
        case 3: r = fp_sub(fmt, a, b, &e); break;
        default: r = fp_minmax(fmt, a, b, !(opcode & 1), opcode >= 6, &e); break;
        }
        if (opcode == 8) /* FNMUL: FPNeg of the product, NaN or not */
            r ^= (mask >> 1) + 1;
    } else { /* 1-source: FSQRT, FCVT, FRINT* (FMOV, FABS, FNEG are IR ops) */
        unsigned opcode = (i >> 15) & 63;
        e = a64_fp_env(c, opcode >= 8 ? frint_rm[opcode & 7] : -1);
        if (opcode == 3)
            r = fp_sqrt(fmt, a, &e);
        else if (opcode < 8)
            r = fp_convert(fmt, a64_fp_format(opcode), a, &e);
        else
            r = fp_round_int(fmt, a, opcode == 14, &e);
    }
    a64_fp_accrue(c, &e);
    cpu->r[op->rd] = r;
    return IR_OK;
}

/* FCMP, FCMPE (bit 4: signalling), with zero when bit 3 is set. */
int a64_fp_compare_helper(ir_cpu *cpu, const ir_op *op)
{
    a64_cpu *c = ARM(cpu);
    uint32_t i = op->aux;
    int fmt = a64_fp_format(i >> 22);
    uint64_t mask = width_mask(fmt);
    fp_env e = a64_fp_env(c, -1);
    int cmp = fp_compare(fmt, cpu->r[op->rs1] & mask, (i >> 3) & 1 ? 0 : cpu->r[op->rs2] & mask, (i >> 4) & 1, &e);
    a64_fp_accrue(c, &e);
    cpu->r[op->rd] = a64_fp_nzcv(cmp);
    return IR_OK;
}

/* FCVT{N,P,M,Z,A}{S,U} to W/X (bit 21 = 1) and FCVTZS/FCVTZU fixed-point
 * (bit 21 = 0, fbits = 64 - scale). */
int a64_fp_to_int_helper(ir_cpu *cpu, const ir_op *op)
{
    static const int8_t rmode[4] = {FP_RNE, FP_RUP, FP_RDN, FP_RTZ};
    a64_cpu *c = ARM(cpu);
    uint32_t i = op->aux;
    unsigned sf = i >> 31, opcode = (i >> 16) & 7, fixed = !((i >> 21) & 1);
    int fmt = a64_fp_format(i >> 22), fbits = fixed ? 64 - (int)((i >> 10) & 63) : 0;
    fp_env e = a64_fp_env(c, opcode >= 4 ? FP_RMM : rmode[(i >> 19) & 3]);
    uint64_t r = fp_to_int(fmt, cpu->r[op->rs1] & width_mask(fmt), !(opcode & 1), sf ? 64 : 32, fbits, &e);
    a64_fp_accrue(c, &e);
    cpu->r[op->rd] = sf ? r : r & 0xffffffffull;
    return IR_OK;
}

/* SCVTF, UCVTF from W/X (bit 21 = 1) or fixed-point (fbits = 64 - scale). */
int a64_fp_from_int_helper(ir_cpu *cpu, const ir_op *op)
{
    a64_cpu *c = ARM(cpu);
    uint32_t i = op->aux;
    unsigned sf = i >> 31, is_signed = !((i >> 16) & 1);
    int fmt = a64_fp_format(i >> 22), fbits = (i >> 21) & 1 ? 0 : 64 - (int)((i >> 10) & 63);
    uint64_t v = cpu->r[op->rs1];
    if (!sf)
        v = is_signed ? (uint64_t)(int64_t)(int32_t)v : (uint32_t)v;
    fp_env e = a64_fp_env(c, -1);
    uint64_t r = fp_from_int(fmt, v, (int)is_signed, fbits, &e);
    a64_fp_accrue(c, &e);
    cpu->r[op->rd] = r;
    return IR_OK;
}

/* FCCMP/FCCMPE (bit 24 = 0) and the 3-source FMADD, FMSUB, FNMADD, FNMSUB. */
int a64_fp_other_helper(ir_cpu *cpu, const ir_op *op)
{
    a64_cpu *c = ARM(cpu);
    uint32_t i = op->aux;
    int fmt = a64_fp_format(i >> 22);
    uint64_t mask = width_mask(fmt), sign = (mask >> 1) + 1;
    uint64_t n = cpu->r[A64_VLO((i >> 5) & 31)] & mask, m = cpu->r[A64_VLO((i >> 16) & 31)] & mask;
    fp_env e = a64_fp_env(c, -1);
    if (!((i >> 24) & 1)) { /* FCCMP: the compare if the condition holds, else #nzcv */
        uint64_t nzcv = cpu->r[A64_NZCV];
        unsigned cond = (i >> 12) & 15, n_ = (nzcv >> 31) & 1, z = (nzcv >> 30) & 1, cf = (nzcv >> 29) & 1,
                 v = (nzcv >> 28) & 1, holds;
        switch (cond >> 1) {
        case 0: holds = z; break;
        case 1: holds = cf; break;
        case 2: holds = n_; break;
        case 3: holds = v; break;
        case 4: holds = cf && !z; break;
        case 5: holds = n_ == v; break;
        case 6: holds = n_ == v && !z; break;
        default: holds = 1; break;
        }
        if ((cond & 1) && cond != 15)
            holds = !holds;
        cpu->r[A64_NZCV] = holds ? a64_fp_nzcv(fp_compare(fmt, n, m, (i >> 4) & 1, &e)) : (uint64_t)(i & 15) << 28;
    } else { /* Vd = (+-Va) + (+-Vn) * Vm: FMSUB and FNMADD negate Vn, FNMADD and FNMSUB Va (FPNeg, NaNs too) */
        unsigned o1 = (i >> 21) & 1, o0 = (i >> 15) & 1, d = i & 31;
        uint64_t a = cpu->r[A64_VLO((i >> 10) & 31)] & mask;
        if (o0 != o1)
            n ^= sign;
        if (o1)
            a ^= sign;
        cpu->r[A64_VLO(d)] = fp_muladd(fmt, n, m, a, 0, 0, &e);
        cpu->r[A64_VHI(d)] = 0;
    }
    a64_fp_accrue(c, &e);
    return IR_OK;
}
