/* AdvSIMD floating point (Arm ARM C7.2), single and double lanes: three
 * same (arithmetic, compares, pairwise), two-register miscellaneous
 * (compares with zero, FABS, FNEG, FSQRT, FRINT*, conversions), across
 * lanes, by element, and fixed-point conversions by immediate; vector and
 * scalar forms. FPSR accrues the flags of every lane. */
#include "arch/arm64/fp.h"
#include "arch/arm64/simd.h"

/* The lanes of an FP op: format, element size (log2 bytes) and count. */
typedef struct lanes {
    int fmt;
    unsigned size, n;
} lanes;

/* Lanes of sz (bit 22) for Q, or one for a scalar op; -1 for 1D vectors. */
static int fp_lanes(uint32_t i, int scalar, lanes *l)
{
    unsigned sz = (i >> 22) & 1, q = (i >> 30) & 1;
    l->fmt = sz ? FP_F64 : FP_F32;
    l->size = 2 + sz;
    l->n = scalar ? 1 : (q ? 16 : 8) >> l->size;
    return !scalar && sz && !q ? -1 : 0;
}

static uint64_t sign_bit(unsigned size) { return 1ull << ((8u << size) - 1); }

/* The reduction of Arm's Reduce(): op(op(e0, e1), op(e2, e3)) ... */
static uint64_t minmax_reduce(const a64_vec *v, const lanes *l, unsigned lo, unsigned n, int max, int num, fp_env *e)
{
    if (n == 1)
        return vel(v, l->size, lo);
    uint64_t a = minmax_reduce(v, l, lo, n / 2, max, num, e), b = minmax_reduce(v, l, lo + n / 2, n / 2, max, num, e);
    return fp_minmax(l->fmt, a, b, max, num, e);
}

/* Three-same FP opcode (bits 15:11, 0x18..0x1f) with U and a (bit 23) on a, b (c: Vd's lane). */
static int same_op(unsigned u, unsigned a_bit, unsigned op, const lanes *l, uint64_t a, uint64_t b, uint64_t c,
                   fp_env *e, uint64_t *x)
{
    uint64_t ones = el_ones(l->size), sign = sign_bit(l->size);
    int cmp;
    switch (u << 4 | a_bit << 3 | (op & 7)) {
    case 0x00: case 0x08: *x = fp_minmax(l->fmt, a, b, !a_bit, 1, e); return 0; /* FMAXNM, FMINNM */
    case 0x01: case 0x09: *x = fp_muladd(l->fmt, a_bit ? a ^ sign : a, b, c, 0, 0, e); return 0; /* FMLA, FMLS */
    case 0x02: *x = fp_add(l->fmt, a, b, e); return 0;
    case 0x0a: *x = fp_sub(l->fmt, a, b, e); return 0;
    case 0x06: case 0x0e: *x = fp_minmax(l->fmt, a, b, !a_bit, 0, e); return 0; /* FMAX, FMIN */
    case 0x13: *x = fp_mul(l->fmt, a, b, e); return 0;
    case 0x17: *x = fp_div(l->fmt, a, b, e); return 0;
    case 0x1a: *x = fp_sub(l->fmt, a, b, e) & ~sign; return 0; /* FABD */
    case 0x04: cmp = fp_compare(l->fmt, a, b, 0, e); *x = cmp == 0 ? ones : 0; return 0; /* FCMEQ */
    case 0x14: cmp = fp_compare(l->fmt, a, b, 1, e); *x = cmp == 0 || cmp == 1 ? ones : 0; return 0; /* FCMGE */
    case 0x1c: cmp = fp_compare(l->fmt, a, b, 1, e); *x = cmp == 1 ? ones : 0; return 0; /* FCMGT */
    case 0x15: case 0x1d: /* FACGE, FACGT */
        cmp = fp_compare(l->fmt, a & ~sign, b & ~sign, 1, e);
        *x = cmp == 1 || (cmp == 0 && !a_bit) ? ones : 0;
        return 0;
    default:
        return -1;
    }
}

int a64_simd_fp_same(ir_cpu *cpu, uint32_t i, int scalar)
{
    unsigned u = (i >> 29) & 1, a_bit = (i >> 23) & 1, op = (i >> 11) & 31, d = i & 31;
    lanes l;
    if (fp_lanes(i, scalar, &l) < 0)
        return -1;
    static const uint8_t scalar_ok[32] = {[0x04] = 1, [0x14] = 1, [0x15] = 1, [0x1a] = 1, [0x1c] = 1, [0x1d] = 1};
    if (scalar && !scalar_ok[u << 4 | a_bit << 3 | (op & 7)])
        return -1;
    a64_vec vn = a64_vget(cpu, (i >> 5) & 31), vm = a64_vget(cpu, (i >> 16) & 31), vd = a64_vget(cpu, d), r = {{0}};
    fp_env e = a64_fp_env((a64_cpu *)cpu, -1);
    unsigned pw = u && ((op & 7) == 0 || (op & 7) == 2 || (op & 7) == 6) && !(a_bit && (op & 7) == 2);
    for (unsigned k = 0; k < l.n; k++) {
        uint64_t a, b, x;
        if (pw) { /* FMAXNMP FMINNMP FADDP FMAXP FMINP: pairs of Vm:Vn */
            const a64_vec *src = 2 * k < l.n ? &vn : &vm;
            unsigned j = (2 * k) % l.n;
            a = vel(src, l.size, j), b = vel(src, l.size, j + 1);
            if (same_op(0, a_bit, op, &l, a, b, 0, &e, &x) < 0)
                return -1;
        } else {
            a = vel(&vn, l.size, k), b = vel(&vm, l.size, k);
            if (same_op(u, a_bit, op, &l, a, b, vel(&vd, l.size, k), &e, &x) < 0)
                return -1;
        }
        vset_el(&r, l.size, k, x);
    }
    a64_fp_accrue((a64_cpu *)cpu, &e);
    a64_vset(cpu, d, &r, (int)((i >> 30) & 1) && !scalar);
    return 0;
}

/* FRINT and FCVT rounding of two-register misc opcodes 0x18..0x1c by U:a. */
static int misc_rm(unsigned op, unsigned u, unsigned a_bit)
{
    static const int8_t frint[2][4] = {{FP_RNE, FP_RUP, FP_RMM, -2}, {FP_RDN, FP_RTZ, -1, -1}};
    static const int8_t fcvt[2][2] = {{FP_RNE, FP_RUP}, {FP_RDN, FP_RTZ}};
    if (op <= 0x19)
        return frint[op - 0x18][u << 1 | a_bit];
    return op == 0x1c ? FP_RMM : fcvt[op - 0x1a][a_bit];
}

/* FCVTN/FCVTL (narrow, long between H/S/D), Q selecting the upper half. */
static int convert_width(ir_cpu *cpu, uint32_t i, unsigned op)
{
    unsigned q = (i >> 30) & 1, sz = (i >> 22) & 1, d = i & 31;
    int wide = sz ? FP_F64 : FP_F32, narrow = sz ? FP_F32 : FP_F16;
    unsigned wsize = 2 + sz, nsize = 1 + sz, cnt = 16 >> wsize;
    a64_vec vn = a64_vget(cpu, (i >> 5) & 31), r = {{0}};
    fp_env e = a64_fp_env((a64_cpu *)cpu, -1);
    if (op == 0x16) { /* FCVTN, FCVTN2 */
        if (q)
            r = a64_vget(cpu, d);
        for (unsigned k = 0; k < cnt; k++)
            vset_el(&r, nsize, q * cnt + k, fp_convert(wide, narrow, vel(&vn, wsize, k), &e));
    } else { /* FCVTL, FCVTL2 */
        for (unsigned k = 0; k < cnt; k++)
            vset_el(&r, wsize, k, fp_convert(narrow, wide, vel(&vn, nsize, q * cnt + k), &e));
    }
    a64_fp_accrue((a64_cpu *)cpu, &e);
    a64_vset(cpu, d, &r, 1);
    return 0;
}

int a64_simd_fp_misc(ir_cpu *cpu, uint32_t i, int scalar)
{
    unsigned u = (i >> 29) & 1, a_bit = (i >> 23) & 1, op = (i >> 12) & 31, d = i & 31;
    lanes l;
    if (op == 0x16 || op == 0x17) {
        if (scalar || u || a_bit)
            return -1;
        return convert_width(cpu, i, op);
    }
    if (fp_lanes(i, scalar, &l) < 0)
        return -1;
    int ok;
    if (op <= 0x0f) /* FCMGT FCMGE FCMEQ FCMLE FCMLT #0, FABS FNEG */
        ok = a_bit && !(op == 0x0e && u) && !(scalar && op == 0x0f);
    else if (op <= 0x19) /* FRINT* */
        ok = !scalar;
    else if (op <= 0x1b) /* FCVT{N,P,M,Z}{S,U} */
        ok = 1;
    else if (op <= 0x1d) /* FCVTA{S,U}, SCVTF, UCVTF */
        ok = !a_bit;
    else /* FSQRT */
        ok = op == 0x1f && u && a_bit && !scalar;
    if (!ok)
        return -1;
    int rm = op >= 0x18 && op <= 0x1c ? misc_rm(op, u, a_bit) : -1;
    if (rm == -2)
        return -1;
    a64_vec vn = a64_vget(cpu, (i >> 5) & 31), r = {{0}};
    fp_env e = a64_fp_env((a64_cpu *)cpu, rm);
    uint64_t ones = el_ones(l.size), sign = sign_bit(l.size);
    for (unsigned k = 0; k < l.n; k++) {
        uint64_t a = vel(&vn, l.size, k), x;
        int cmp;
        switch (op) {
        case 0x0c: case 0x0d: case 0x0e: /* FCMGT FCMGE, FCMEQ FCMLE, FCMLT against +0.0 */
            cmp = fp_compare(l.fmt, a, 0, !(op == 0x0d && !u), &e);
            x = op == 0x0c ? (cmp == 1 || (u && cmp == 0)) : op == 0x0e ? cmp == -1 : u ? cmp == -1 || cmp == 0 : cmp == 0;
            x = x ? ones : 0;
            break;
        case 0x0f: x = u ? a ^ sign : a & ~sign; break; /* FNEG, FABS */
        case 0x18: case 0x19: x = fp_round_int(l.fmt, a, op == 0x19 && u && !a_bit, &e); break; /* FRINT* */
        case 0x1d: /* SCVTF, UCVTF */
            x = fp_from_int(l.fmt, !u && l.size == 2 ? (uint64_t)(int64_t)(int32_t)a : a, !u, 0, &e);
            break;
        case 0x1f: x = fp_sqrt(l.fmt, a, &e); break;
        default: x = fp_to_int(l.fmt, a, !u, 8 << l.size, 0, &e); break; /* FCVT{N,P,M,Z,A}{S,U} */
        }
        vset_el(&r, l.size, k, x);
    }
    a64_fp_accrue((a64_cpu *)cpu, &e);
    a64_vset(cpu, d, &r, (int)((i >> 30) & 1) && !scalar);
    return 0;
}

int a64_simd_fp_across(ir_cpu *cpu, uint32_t i)
{
    unsigned q = (i >> 30) & 1, u = (i >> 29) & 1, a_bit = (i >> 23) & 1, op = (i >> 12) & 31;
    if (!u || !q || (i >> 22) & 1) /* 4S only (8H needs FP16) */
        return -1;
    lanes l = {FP_F32, 2, 4};
    a64_vec vn = a64_vget(cpu, (i >> 5) & 31), r = {{0}};
    fp_env e = a64_fp_env((a64_cpu *)cpu, -1);
    vset_el(&r, 2, 0, minmax_reduce(&vn, &l, 0, 4, !a_bit, op == 0x0c, &e));
    a64_fp_accrue((a64_cpu *)cpu, &e);
    a64_vset(cpu, i & 31, &r, 0);
    return 0;
}

int a64_simd_fp_pairwise(ir_cpu *cpu, uint32_t i)
{
    unsigned a_bit = (i >> 23) & 1, op = (i >> 12) & 31, sz = (i >> 22) & 1;
    lanes l = {sz ? FP_F64 : FP_F32, 2 + sz, 2};
    if (!(op == 0x0c || op == 0x0f || (op == 0x0d && !a_bit)))
        return -1;
    a64_vec vn = a64_vget(cpu, (i >> 5) & 31), r = {{0}};
    fp_env e = a64_fp_env((a64_cpu *)cpu, -1);
    uint64_t a = vel(&vn, l.size, 0), b = vel(&vn, l.size, 1);
    vset_el(&r, l.size, 0, op == 0x0d ? fp_add(l.fmt, a, b, &e) : fp_minmax(l.fmt, a, b, !a_bit, op == 0x0c, &e));
    a64_fp_accrue((a64_cpu *)cpu, &e);
    a64_vset(cpu, i & 31, &r, 0);
    return 0;
}

int a64_simd_fp_indexed(ir_cpu *cpu, uint32_t i, int scalar)
{
    unsigned u = (i >> 29) & 1, sz = (i >> 22) & 1, op = (i >> 12) & 15, d = i & 31;
    unsigned h = (i >> 11) & 1, lbit = (i >> 21) & 1, m = (i >> 16) & 31;
    lanes l;
    if (u || !((i >> 23) & 1) || (sz && lbit) || fp_lanes(i, scalar, &l) < 0)
        return -1;
    unsigned index = sz ? h : h << 1 | lbit;
    a64_vec vn = a64_vget(cpu, (i >> 5) & 31), vm = a64_vget(cpu, m), vd = a64_vget(cpu, d), r = {{0}};
    fp_env e = a64_fp_env((a64_cpu *)cpu, -1);
    uint64_t b = vel(&vm, l.size, index), sign = sign_bit(l.size);
    for (unsigned k = 0; k < l.n; k++) {
        uint64_t a = vel(&vn, l.size, k);
        vset_el(&r, l.size, k,
                op == 9 ? fp_mul(l.fmt, a, b, &e) : fp_muladd(l.fmt, op == 5 ? a ^ sign : a, b, vel(&vd, l.size, k), 0, 0, &e));
    }
    a64_fp_accrue((a64_cpu *)cpu, &e);
    a64_vset(cpu, d, &r, (int)((i >> 30) & 1) && !scalar);
    return 0;
}

int a64_simd_fp_shift(ir_cpu *cpu, uint32_t i, int scalar)
{
    unsigned q = (i >> 30) & 1, u = (i >> 29) & 1, immh = (i >> 19) & 15, immhb = (i >> 16) & 127, op = (i >> 11) & 31;
    if (immh < 4 || (!scalar && immh >= 8 && !q))
        return -1;
    unsigned size = immh >= 8 ? 3 : 2, n = scalar ? 1 : (q ? 16 : 8) >> size;
    int fmt = size == 3 ? FP_F64 : FP_F32, fbits = (int)((16u << size) - immhb);
    a64_vec vn = a64_vget(cpu, (i >> 5) & 31), r = {{0}};
    fp_env e = a64_fp_env((a64_cpu *)cpu, op == 0x1f ? FP_RTZ : -1);
    for (unsigned k = 0; k < n; k++) {
        uint64_t a = vel(&vn, size, k);
        if (op == 0x1c && !u && size == 2)
            a = (uint64_t)(int64_t)(int32_t)a;
        vset_el(&r, size, k, op == 0x1c ? fp_from_int(fmt, a, !u, fbits, &e) : fp_to_int(fmt, a, !u, 8 << size, fbits, &e));
    }
    a64_fp_accrue((a64_cpu *)cpu, &e);
    a64_vset(cpu, i & 31, &r, (int)q && !scalar);
    return 0;
}
