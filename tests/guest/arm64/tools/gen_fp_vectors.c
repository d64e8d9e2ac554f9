/*
 * gen_fp_vectors.c - writes a64_fp_vectors.h, the table of the a64_fp guest
 * test: scalar FP operations of the Arm ARM (C7.2) in the four FPCR
 * rounding modes with their FPSR flags, computed with the host's IEEE 754
 * arithmetic (x86-64 SSE, <fenv.h>) and the Arm rules where IEEE leaves a
 * choice: NaN results (the first signalling NaN, else the first quiet NaN,
 * made quiet; the default NaN 0x7fc00000 for an invalid operation), NaN to
 * integer is 0, FMIN/FMAX propagate NaNs, FMINNM/FMAXNM prefer numbers.
 * Operands avoid the results where tininess before rounding (Arm) and
 * after (x86) differ. qemu-system-aarch64 checks the table (make check-qemu).
 *
 * The Makefile builds and runs it (host gcc) into $(OUT)/gen/a64_fp_vectors.h.
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_MADD, OP_MSUB, OP_NMADD, OP_NMSUB, OP_NMUL, OP_MIN, OP_MAX,
       OP_MINNM, OP_MAXNM, OP_CVT, OP_CVTZS, OP_CVTZU, OP_CVTZSW, OP_CVTZUW, OP_CVTNS, OP_CVTAS, OP_CVTMS, OP_CVTPS,
       OP_SCVTF, OP_UCVTF, OP_RINTN, OP_RINTP, OP_RINTM, OP_RINTZ, OP_RINTA, OP_RINTX, OP_RINTI, OP_CMP, OP_CMPE };

static const int host_rm[4] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};

static uint32_t arm_flags(void)
{
    int x = fetestexcept(FE_ALL_EXCEPT);
    return (x & FE_INVALID ? 1 : 0) | (x & FE_DIVBYZERO ? 2 : 0) | (x & FE_OVERFLOW ? 4 : 0) |
           (x & FE_UNDERFLOW ? 8 : 0) | (x & FE_INEXACT ? 16 : 0);
}

static int dbl;
static uint64_t bits_of(double v) { uint64_t b; if (dbl) memcpy(&b, &v, 8); else { float f = (float)v; uint32_t w; memcpy(&w, &f, 4); b = w; } return b; }
static float f32(uint64_t b) { uint32_t w = (uint32_t)b; float f; memcpy(&f, &w, 4); return f; }
static double f64(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }
static uint64_t quiet(uint64_t b) { return b | (dbl ? 1ull << 51 : 1ull << 22); }
static uint64_t dnan(void) { return dbl ? 0x7ff8000000000000ull : 0x7fc00000ull; }
static int is_nan(uint64_t b) { return dbl ? isnan(f64(b)) : isnan(f32(b)); }
static int is_snan(uint64_t b) { return is_nan(b) && !(b & (dbl ? 1ull << 51 : 1ull << 22)); }
static uint64_t sign(void) { return dbl ? 1ull << 63 : 1ull << 31; }

/* The Arm NaN result of operands v[0..n-1] if any is a NaN (*fl gets IOC for an sNaN). */
static int nan_rule(int n, const uint64_t *v, uint64_t *r, uint32_t *fl)
{
    for (int k = 0; k < n; k++)
        if (is_snan(v[k])) { *r = quiet(v[k]); *fl = 1; return 1; }
    for (int k = 0; k < n; k++)
        if (is_nan(v[k])) { *r = v[k]; *fl = 0; return 1; }
    return 0;
}

#define HOST(expr_f, expr_d) (dbl ? bits_of(expr_d) : bits_of((double)(expr_f)))

static void emit(int op, int rm, uint64_t a, uint64_t b, uint64_t c, uint64_t r, uint32_t fl)
{
    printf("    {%d, %d, 0x%x, 0x%llxull, 0x%llxull, 0x%llxull, 0x%llxull, 0x%x},\n", op, dbl, rm << 22,
           (unsigned long long)a, (unsigned long long)b, (unsigned long long)c, (unsigned long long)r, fl);
}

static void arith(int op, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r, nv[3] = {a, b, c};
    uint32_t fl = 0;
    float fa = f32(a), fb = f32(b), fc = f32(c);
    double da = f64(a), db = f64(b), dc = f64(c);
    fesetround(host_rm[rm]);
    feclearexcept(FE_ALL_EXCEPT);
    int nan_ops = op == OP_SQRT ? 1 : op >= OP_MADD && op <= OP_NMSUB ? 3 : 2;
    if (op >= OP_MADD && op <= OP_NMSUB) { nv[0] = c, nv[1] = a, nv[2] = b; } /* addend first */
    if (op == OP_MSUB || op == OP_NMADD) nv[1] ^= is_nan(nv[1]) ? sign() : 0;
    if (op == OP_NMADD || op == OP_NMSUB) nv[0] ^= is_nan(nv[0]) ? sign() : 0;
    if (nan_rule(nan_ops, nv, &r, &fl)) {
        if (op >= OP_MADD && op <= OP_NMSUB && !is_snan(c) && is_nan(c) &&
            ((isinf(dbl ? da : fa) && (dbl ? db : fb) == 0) || ((dbl ? da : fa) == 0 && isinf(dbl ? db : fb))))
            r = dnan(), fl = 1;
        if (op == OP_NMUL) r ^= sign();
        emit(op, rm, a, b, c, r, fl);
        return;
    }
    switch (op) {
    case OP_ADD: r = HOST(fa + fb, da + db); break;
    case OP_SUB: r = HOST(fa - fb, da - db); break;
    case OP_MUL: case OP_NMUL: r = HOST(fa * fb, da * db); break;
    case OP_DIV: r = HOST(fa / fb, da / db); break;
    case OP_SQRT: r = HOST(sqrtf(fa), sqrt(da)); break;
    case OP_MADD: r = HOST(fmaf(fa, fb, fc), fma(da, db, dc)); break;
    case OP_MSUB: r = HOST(fmaf(-fa, fb, fc), fma(-da, db, dc)); break;
    case OP_NMADD: r = HOST(fmaf(-fa, fb, -fc), fma(-da, db, -dc)); break;
    default: r = HOST(fmaf(fa, fb, -fc), fma(da, db, -dc)); break;
    }
    fl = arm_flags();
    if (is_nan(r))
        r = dnan();
    if (op == OP_NMUL)
        r ^= sign();
    emit(op, rm, a, b, c, r, fl);
}

/* FMIN FMAX FMINNM FMAXNM: no rounding; Arm's NaN rules. */
static void minmax(int op, uint64_t a, uint64_t b)
{
    uint64_t r, v[2] = {a, b};
    uint32_t fl = 0;
    int num = op >= OP_MINNM, max = op == OP_MAX || op == OP_MAXNM;
    if (num && is_nan(a) && !is_snan(a) && !is_nan(b)) r = b;
    else if (num && is_nan(b) && !is_snan(b) && !is_nan(a)) r = a;
    else if (num && is_nan(a) && !is_snan(a) && is_snan(b)) r = quiet(b), fl = 1;
    else if (num && is_nan(b) && !is_snan(b) && is_snan(a)) r = quiet(a), fl = 1;
    else if (nan_rule(2, v, &r, &fl)) ;
    else {
        double x = dbl ? f64(a) : f32(a), y = dbl ? f64(b) : f32(b);
        if (x == y) r = max ? a & b : a | b; /* +0/-0: max +0, min -0 */
        else r = (x > y) == max ? a : b;
    }
    emit(op, 0, a, b, 0, r, fl);
}

/* Float to integer (64 or 32 bits), rounding rm (FP_*-like index into the host modes, 4 = ties away). */
static void to_int(int op, int rm_fpcr, int rnd, int is_signed, int width, uint64_t a)
{
    double x = dbl ? f64(a) : f32(a), y;
    uint64_t r;
    uint32_t fl = 0;
    if (isnan(x)) { emit(op, rm_fpcr, a, 0, 0, 0, 1); return; }
    fesetround(host_rm[rnd == 4 ? 0 : rnd]);
    y = rnd == 4 ? round(x) : nearbyint(x);
    double hi = is_signed ? ldexp(1, width - 1) : ldexp(1, width), lo = is_signed ? -ldexp(1, width - 1) : 0;
    if (y >= hi) { r = is_signed ? (width == 64 ? 0x7fffffffffffffffull : 0x7fffffff) : (width == 64 ? ~0ull : 0xffffffff); fl = 1; }
    else if (y < lo) { r = is_signed ? (width == 64 ? 0x8000000000000000ull : 0x80000000) : 0; fl = 1; }
    else {
        r = is_signed ? (uint64_t)(int64_t)y : (uint64_t)y;
        if (width == 32) r &= 0xffffffff;
        fl = y != x ? 16 : 0;
    }
    emit(op, rm_fpcr, a, 0, 0, r, fl);
}

static void from_int(int op, int rm, uint64_t v)
{
    fesetround(host_rm[rm]);
    feclearexcept(FE_ALL_EXCEPT);
    uint64_t r = op == OP_SCVTF ? HOST((float)(int64_t)v, (double)(int64_t)v) : HOST((float)v, (double)v);
    emit(op, rm, v, 0, 0, r, arm_flags());
}

static void rint_op(int op, int rm, uint64_t a)
{
    uint64_t r;
    uint32_t fl = 0;
    double x = dbl ? f64(a) : f32(a), y;
    if (nan_rule(1, &a, &r, &fl)) { emit(op, rm, a, 0, 0, r, fl); return; }
    static const int mode[7] = {0, 1, 2, 3, -1, -2, -2}; /* N P M Z A X I */
    int m = mode[op - OP_RINTN];
    fesetround(host_rm[m >= 0 ? m : rm]);
    y = m == -1 ? round(x) : nearbyint(x);
    if (op == OP_RINTX && y != x) fl = 16;
    r = bits_of(y);
    if (y == 0 && signbit(x)) r |= sign(); /* the sign of a zero result is the operand's */
    emit(op, rm, a, 0, 0, r, fl);
}

static void cmp(int op, uint64_t a, uint64_t b)
{
    double x = dbl ? f64(a) : f32(a), y = dbl ? f64(b) : f32(b);
    uint64_t nzcv;
    uint32_t fl = 0;
    if (isnan(x) || isnan(y)) { nzcv = 0x3; fl = op == OP_CMPE || is_snan(a) || is_snan(b); }
    else nzcv = x == y ? 0x6 : x < y ? 0x8 : 0x2;
    emit(op, 0, a, b, 0, nzcv << 28, fl);
}

static void convert(int rm, uint64_t a)
{
    uint64_t r;
    uint32_t fl = 0;
    fesetround(host_rm[rm]);
    feclearexcept(FE_ALL_EXCEPT);
    if (dbl) { /* D -> S */
        double x = f64(a);
        float f = (float)x;
        uint32_t w;
        memcpy(&w, &f, 4);
        r = w;
        fl = arm_flags();
        if (isnan(x)) r = 0x7fc00000u | (uint32_t)((a >> 63) << 31) | (uint32_t)((a >> 29) & 0x3fffff), fl = is_snan(a);
    } else {
        double x = f32(a);
        memcpy(&r, &x, 8);
        fl = arm_flags();
        if (isnan(x)) r = 0x7ff8000000000000ull | (a >> 31) << 63 | (a & 0x3fffff) << 29, fl = is_snan(a);
    }
    emit(OP_CVT, rm, a, 0, 0, r, fl);
}

int main(void)
{
    static const uint64_t s_ops[] = {0x3f800000, 0x33c00000, 0x40400000, 0x3dcccccd, 0xc0200000, 0x7149f2ca,
                                     0x006ce3ee, 0x7f7fffff, 0x00000003, 0x80000000, 0x7f800000, 0xff800000,
                                     0x7fc00001, 0x7f800005, 0xffc00002};
    static const uint64_t d_ops[] = {0x3ff0000000000000, 0x3c98000000000000, 0x4008000000000000, 0x3fb999999999999a,
                                     0xc004000000000000, 0x7e37e43c8800759c, 0x000d8b6f9b4d6f2e, 0x7fefffffffffffff,
                                     0x0000000000000003, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000,
                                     0x7ff8000000000001, 0x7ff0000000000005, 0xfff8000000000002};
    static const uint64_t ints[] = {0, 1, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff,
                                    0x1000001, 0x20000000000003, 123456789};
    static const uint64_t cvt_s[] = {0x3f800000, 0x3fc00000, 0x40200000, 0xbf400000, 0x4f000000, 0xcf000001,
                                     0x5f000000, 0xdf000000, 0x5f800000, 0x3effffff, 0xbf000000, 0x7f800000,
                                     0xff800000, 0x7fc00000, 0x7f800001, 0x80000000};
    printf("/* Generated by tools/gen_fp_vectors.c: {op, double, FPCR, a, b, c, result, FPSR}. */\n");
    printf("static const struct fpvec vectors[] = {\n");
    for (dbl = 0; dbl < 2; dbl++) {
        const uint64_t *v = dbl ? d_ops : s_ops;
        unsigned n = 15, n3 = 6;
        for (int rm = 0; rm < 4; rm++) {
            for (int op = OP_ADD; op <= OP_DIV; op++)
                for (unsigned x = 0; x < n; x++)
                    for (unsigned y = 0; y < n; y++)
                        arith(op, rm, v[x], v[y], 0);
            for (unsigned x = 0; x < n; x++)
                arith(OP_SQRT, rm, v[x], 0, 0), arith(OP_NMUL, rm, v[x], v[(x + 3) % n], 0);
            for (int op = OP_MADD; op <= OP_NMSUB; op++)
                for (unsigned x = 0; x < n3; x++)
                    for (unsigned y = 0; y < n3; y++)
                        for (unsigned z = 0; z < n3; z++)
                            arith(op, rm, v[x], v[y * 2], v[z * 2 + (z > 2)]);
            for (unsigned x = 0; x < 3; x++)
                arith(OP_MADD, rm, v[10 + x], v[9], v[12 + x]); /* inf * 0 + NaN */
            for (unsigned x = 0; x < n; x++)
                convert(rm, v[x]);
            for (unsigned k = 0; k < sizeof(ints) / 8; k++)
                from_int(OP_SCVTF, rm, ints[k]), from_int(OP_UCVTF, rm, ints[k]);
            for (int op = OP_RINTN; op <= OP_RINTI; op++)
                for (unsigned k = 0; k < 16; k++) {
                    uint64_t a = dbl ? bits_of(f32(cvt_s[k])) : cvt_s[k];
                    if (k == 13) a = dbl ? 0x7ff8000000000000ull : a;
                    if (k == 14) a = dbl ? 0x7ff0000000000001ull : a;
                    rint_op(op, rm, a);
                }
        }
        for (int op = OP_MIN; op <= OP_MAXNM; op++)
            for (unsigned x = 0; x < n; x++)
                for (unsigned y = 0; y < n; y++)
                    minmax(op, v[x], v[y]);
        for (int op = OP_CMP; op <= OP_CMPE; op++)
            for (unsigned x = 0; x < n; x++)
                for (unsigned y = 0; y < n; y += 2)
                    cmp(op, v[x], v[y]);
        for (unsigned k = 0; k < 16; k++) {
            uint64_t a = dbl ? bits_of(f32(cvt_s[k])) : cvt_s[k];
            if (k == 13) a = dbl ? 0x7ff8000000000000ull : a;
            if (k == 14) a = dbl ? 0x7ff0000000000001ull : a;
            for (int rm = 0; rm < 4; rm++) {
                to_int(OP_CVTZS, rm << 0, 3, 1, 64, a), to_int(OP_CVTZU, rm, 3, 0, 64, a);
                to_int(OP_CVTZSW, rm, 3, 1, 32, a), to_int(OP_CVTZUW, rm, 3, 0, 32, a);
            }
            to_int(OP_CVTNS, 0, 0, 1, 64, a), to_int(OP_CVTAS, 0, 4, 1, 64, a);
            to_int(OP_CVTMS, 0, 2, 1, 64, a), to_int(OP_CVTPS, 0, 1, 1, 64, a);
        }
    }
    printf("};\n");
    return 0;
}
