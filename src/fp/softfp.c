/*
 * softfp.c - integer-only IEEE 754 binary16/32/64 arithmetic (softfp.h),
 * with the RISC-V F/D rules (Unprivileged Spec 20191213, chapters 11 and
 * 12) or the Arm rules (Arm ARM DDI 0487, chapter J1: FPRoundBase,
 * FPUnpackBase, FPProcessNaNs, FPMulAdd, FPToFixed, FPConvert ...).
 *
 * Design: every format shares one generic core parameterised by a format
 * descriptor.  An operand is unpacked into sign, unbiased exponent and a
 * 64-bit significand normalised so that bit 63 is set:
 *
 *     value = (-1)^sign * sig * 2^(exp - 63),   2^63 <= sig < 2^64
 *
 * Every operation computes its result exactly in this form (using 128-bit
 * integers where needed), folding any discarded nonzero low bits into a
 * "sticky" bit 0, and then calls round_pack(), the single routine that
 * implements the rounding modes, overflow, subnormals, tininess (before or
 * after rounding), flush-to-zero and the NX/UF/OF flags.  The low-order
 * sticky bit is always at least two bit positions below the rounding
 * position, so it never changes the rounding decision, only the
 * inexact/tie information.
 *
 * No host floating point is used anywhere in this file.
 */
#include "fp/softfp.h"

__extension__ typedef unsigned __int128 u128;

/* ---------------------------------------------------------------------- */
/* Format descriptors                                                      */
/* ---------------------------------------------------------------------- */

typedef struct {
    int frac_bits; /* stored fraction bits: 10, 23 or 52 */
    int exp_bits;  /* exponent field bits: 5, 8 or 11 */
} fmt_t;

static const fmt_t FORMATS[3] = {{10, 5}, {23, 8}, {52, 11}};

static inline int32_t fmt_bias(const fmt_t *f) { return (1 << (f->exp_bits - 1)) - 1; }
static inline uint64_t fmt_exp_mask(const fmt_t *f) { return (1ull << f->exp_bits) - 1; }
static inline uint64_t fmt_frac_mask(const fmt_t *f) { return (1ull << f->frac_bits) - 1; }
static inline uint64_t fmt_sign_bit(const fmt_t *f) { return 1ull << (f->frac_bits + f->exp_bits); }
static inline uint64_t fmt_inf(const fmt_t *f) { return fmt_exp_mask(f) << f->frac_bits; }
static inline uint64_t fmt_quiet(const fmt_t *f) { return 1ull << (f->frac_bits - 1); }
static inline uint64_t fmt_nan(const fmt_t *f) { return fmt_inf(f) | fmt_quiet(f); }

/* Whether FP_FZ flushes this format (FPCR.FZ: single and double only). */
static inline int flushes(const fmt_t *f, const fp_env *e) { return (e->mode & FP_FZ) && f->exp_bits != 5; }

/* ---------------------------------------------------------------------- */
/* Bit helpers                                                             */
/* ---------------------------------------------------------------------- */

static inline int clz64(uint64_t x) { return x ? __builtin_clzll(x) : 64; }

static inline int clz128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? __builtin_clzll(hi) : 64 + clz64((uint64_t)x);
}

/* x >> n, with bit 0 set if any nonzero bit was shifted out ("jamming"). */
static inline uint64_t jam64(uint64_t x, int32_t n)
{
    if (n <= 0)
        return x;
    if (n >= 64)
        return x != 0;
    return (x >> n) | ((x << (64 - n)) != 0);
}

static inline u128 jam128(u128 x, int32_t n)
{
    if (n <= 0)
        return x;
    if (n >= 128)
        return x != 0;
    return (x >> n) | (u128)((x << (128 - n)) != 0);
}

/* ---------------------------------------------------------------------- */
/* Unpacking                                                               */
/* ---------------------------------------------------------------------- */

enum { CLS_ZERO, CLS_FINITE, CLS_INF, CLS_QNAN, CLS_SNAN };

typedef struct {
    int cls;     /* CLS_* */
    int sign;    /* 0 or 1 */
    int32_t exp; /* unbiased exponent (CLS_FINITE only) */
    uint64_t sig; /* significand with bit 63 set (CLS_FINITE only) */
} unpacked_t;

static unpacked_t unpack(const fmt_t *f, uint64_t bits)
{
    unpacked_t u = { CLS_FINITE, 0, 0, 0 };
    int fb = f->frac_bits;
    uint64_t e = (bits >> fb) & fmt_exp_mask(f);
    uint64_t frac = bits & fmt_frac_mask(f);

    u.sign = (int)((bits >> (fb + f->exp_bits)) & 1);
    if (e == fmt_exp_mask(f)) {
        if (frac == 0)
            u.cls = CLS_INF;
        else
            u.cls = ((frac >> (fb - 1)) & 1) ? CLS_QNAN : CLS_SNAN;
    } else if (e == 0 && frac == 0) {
        u.cls = CLS_ZERO;
    } else {
        int lz;
        if (e == 0) { /* subnormal */
            u.exp = 1 - fmt_bias(f);
            u.sig = frac;
        } else {
            u.exp = (int32_t)e - fmt_bias(f);
            u.sig = frac | (1ull << fb);
        }
        lz = clz64(u.sig);
        u.sig <<= lz;
        u.exp -= lz - (63 - fb);
    }
    return u;
}

/* An operand: a subnormal *bits is flushed to a zero of its sign first
 * under FP_FZ (FP_ID; Arm FPUnpackBase), then it is unpacked. */
static unpacked_t operand(const fmt_t *f, uint64_t *bits, fp_env *e)
{
    uint64_t sbit = fmt_sign_bit(f);
    if (flushes(f, e) && !(*bits & fmt_inf(f)) && (*bits & fmt_frac_mask(f))) {
        e->flags |= FP_ID;
        *bits &= sbit;
    }
    *bits &= sbit | (sbit - 1);
    return unpack(f, *bits);
}

static inline int is_nan(const unpacked_t *u) { return u->cls == CLS_QNAN || u->cls == CLS_SNAN; }

/* The result of an invalid operation: the default NaN, NV. */
static uint64_t invalid(const fmt_t *f, fp_env *e)
{
    e->flags |= FP_NV;
    return fmt_nan(f);
}

/* The result of an operation with NaN operands v[0..n-1] (Arm
 * FPProcessNaNs/FPProcessNaNs3: the first signalling NaN, else the first
 * quiet NaN, made quiet; the default NaN under FP_DN and for RISC-V); NV
 * if any is signalling. */
static uint64_t nan_operands(const fmt_t *f, fp_env *e, int n, const uint64_t *v)
{
    int pick = -1;
    for (int i = 0; i < n; i++)
        if (unpack(f, v[i]).cls == CLS_SNAN) {
            e->flags |= FP_NV;
            if (pick < 0)
                pick = i;
        }
    for (int i = 0; pick < 0 && i < n; i++)
        if (unpack(f, v[i]).cls == CLS_QNAN)
            pick = i;
    if ((e->mode & (FP_ARM | FP_DN)) != FP_ARM)
        return fmt_nan(f);
    return v[pick] | fmt_quiet(f);
}

static uint64_t nan2(const fmt_t *f, fp_env *e, uint64_t a, uint64_t b)
{
    uint64_t v[2] = {a, b};
    return nan_operands(f, e, 2, v);
}

static inline uint64_t pack_zero(const fmt_t *f, int sign) { return sign ? fmt_sign_bit(f) : 0; }

static inline uint64_t pack_inf(const fmt_t *f, int sign) { return pack_zero(f, sign) | fmt_inf(f); }

/* ---------------------------------------------------------------------- */
/* Rounding                                                                */
/* ---------------------------------------------------------------------- */

/* Whether to add one unit in the last place, given the kept lsb, the
 * first discarded bit (round) and the OR of all further bits (sticky). */
static inline int round_up(int rm, int sign, int lsb, int round, int sticky)
{
    switch (rm) {
    case FP_RNE: return round && (sticky || lsb);
    case FP_RTZ: return 0;
    case FP_RDN: return sign && (round || sticky);
    case FP_RUP: return !sign && (round || sticky);
    default:     return round; /* FP_RMM */
    }
}

/* x = kept bits, then a round bit (bit 1) and a sticky bit (bit 0):
 * returns the kept bits rounded per rm (may carry into a new top bit). */
static inline uint64_t round_kept(uint64_t x, int rm, int sign)
{
    return (x >> 2) +
           (uint64_t)round_up(rm, sign, (int)((x >> 2) & 1), (int)((x >> 1) & 1), (int)(x & 1));
}

static uint64_t overflow(const fmt_t *f, int sign, fp_env *e)
{
    int rm = e->rm;
    int to_inf = rm == FP_RNE || rm == FP_RMM || (rm == FP_RDN && sign) || (rm == FP_RUP && !sign);
    e->flags |= FP_OF | FP_NX;
    return to_inf ? pack_inf(f, sign) : pack_zero(f, sign) | (fmt_inf(f) - 1);
}

/*
 * Round (-1)^sign * sig * 2^(exp - 63) (sig != 0, any magnitude; bit 0 may
 * be a sticky bit) to format f and pack it.  Raises NX, UF (tiny and
 * inexact; tiny before rounding under FP_ARM, after rounding otherwise)
 * and OF; under FP_FZ a tiny value becomes a zero with UF only.
 */
static uint64_t round_pack(const fmt_t *f, int sign, int32_t exp, uint64_t sig, fp_env *e)
{
    const int fb = f->frac_bits, rm = e->rm;
    const int32_t bias = fmt_bias(f), emin = 1 - bias, emax = bias;
    int lz = clz64(sig);
    int32_t shift = 63 - fb; /* discarded low bits for a normal result */
    int tiny = 0;
    uint64_t x, kept, bits;

    sig <<= lz;
    exp -= lz;
    if (exp > emax)
        return overflow(f, sign, e);
    if (exp < emin) {
        if (flushes(f, e)) {
            e->flags |= FP_UF;
            return pack_zero(f, sign);
        }
        shift += (emin - exp > 64) ? 64 : emin - exp;
        tiny = 1;
        if (exp == emin - 1 && !(e->mode & FP_ARM)) {
            /* Tininess after rounding: does rounding to full precision with
             * an unbounded exponent carry up to 2^emin? */
            if (round_kept(jam64(sig, 63 - fb - 2), rm, sign) >> (fb + 1))
                tiny = 0;
        }
    }
    /* Keep the result bits plus a round bit and a sticky bit. */
    x = jam64(sig, shift - 2);
    kept = round_kept(x, rm, sign);
    if (exp < emin) {
        bits = kept; /* subnormal; a carry into bit fb gives the smallest normal */
    } else {
        /* kept includes the implicit bit, which adds one to the exponent
         * field; a rounding carry to 2^(fb+1) adds one more. */
        bits = ((uint64_t)(exp + bias - 1) << fb) + kept;
        if ((bits >> fb) >= fmt_exp_mask(f))
            return overflow(f, sign, e);
    }
    if (x & 3) {
        e->flags |= FP_NX;
        if (tiny)
            e->flags |= FP_UF;
    }
    return pack_zero(f, sign) | bits;
}

/* ---------------------------------------------------------------------- */
/* Arithmetic                                                              */
/* ---------------------------------------------------------------------- */

static uint64_t g_add(const fmt_t *f, uint64_t a, uint64_t b, int negate_b, fp_env *e)
{
    unpacked_t x = operand(f, &a, e), y = operand(f, &b, e);
    uint64_t sx, sy, s;
    int sign;

    if (is_nan(&x) || is_nan(&y))
        return nan2(f, e, a, b);
    y.sign ^= negate_b;
    if (x.cls == CLS_INF || y.cls == CLS_INF) {
        if (x.cls == CLS_INF && y.cls == CLS_INF && x.sign != y.sign)
            return invalid(f, e); /* inf - inf */
        return pack_inf(f, x.cls == CLS_INF ? x.sign : y.sign);
    }
    if (x.cls == CLS_ZERO && y.cls == CLS_ZERO)
        return pack_zero(f, x.sign == y.sign ? x.sign : e->rm == FP_RDN);
    if (y.cls == CLS_ZERO)
        return round_pack(f, x.sign, x.exp, x.sig, e); /* exact */
    if (x.cls == CLS_ZERO)
        return round_pack(f, y.sign, y.exp, y.sig, e); /* exact */

    if (y.exp > x.exp) { /* make x the operand with the larger exponent */
        unpacked_t t = x;
        x = y;
        y = t;
    }
    /* One bit of headroom for the carry; this loses nothing because the
     * significands have at least 11 trailing zero bits. */
    sx = x.sig >> 1;
    sy = jam64(y.sig >> 1, x.exp - y.exp);
    sign = x.sign;
    if (x.sign == y.sign) {
        s = sx + sy;
    } else if (sx >= sy) {
        s = sx - sy;
    } else {
        s = sy - sx;
        sign = y.sign;
    }
    if (s == 0) /* exact cancellation: +0, or -0 when rounding down */
        return pack_zero(f, e->rm == FP_RDN);
    return round_pack(f, sign, x.exp + 1, s, e);
}

/* Exact product of two significands, jammed to 64 bits: with
 * value = result * 2^(ea + eb + 1 - 63). */
static inline uint64_t mul_sig(uint64_t sa, uint64_t sb)
{
    u128 p = (u128)sa * sb;
    return (uint64_t)(p >> 64) | ((uint64_t)p != 0);
}

static uint64_t g_mul(const fmt_t *f, uint64_t a, uint64_t b, fp_env *e)
{
    unpacked_t x = operand(f, &a, e), y = operand(f, &b, e);
    int sign = x.sign ^ y.sign;

    if (is_nan(&x) || is_nan(&y))
        return nan2(f, e, a, b);
    if (x.cls == CLS_INF || y.cls == CLS_INF) {
        if (x.cls == CLS_ZERO || y.cls == CLS_ZERO)
            return invalid(f, e); /* inf * 0 */
        return pack_inf(f, sign);
    }
    if (x.cls == CLS_ZERO || y.cls == CLS_ZERO)
        return pack_zero(f, sign);
    return round_pack(f, sign, x.exp + y.exp + 1, mul_sig(x.sig, y.sig), e);
}

static uint64_t g_div(const fmt_t *f, uint64_t a, uint64_t b, fp_env *e)
{
    unpacked_t x = operand(f, &a, e), y = operand(f, &b, e);
    int sign = x.sign ^ y.sign;
    u128 num;
    uint64_t q;

    if (is_nan(&x) || is_nan(&y))
        return nan2(f, e, a, b);
    if (x.cls == CLS_INF) {
        if (y.cls == CLS_INF)
            return invalid(f, e); /* inf / inf */
        return pack_inf(f, sign);
    }
    if (y.cls == CLS_INF)
        return pack_zero(f, sign);
    if (y.cls == CLS_ZERO) {
        if (x.cls == CLS_ZERO)
            return invalid(f, e); /* 0 / 0 */
        e->flags |= FP_DZ;
        return pack_inf(f, sign);
    }
    if (x.cls == CLS_ZERO)
        return pack_zero(f, sign);
    /* sig_x * 2^63 / sig_y lies in (2^62, 2^64): at least 63 quotient bits. */
    num = (u128)x.sig << 63;
    q = (uint64_t)(num / y.sig);
    q |= (num % y.sig) != 0;
    return round_pack(f, sign, x.exp - y.exp, q, e);
}

static uint64_t g_sqrt(const fmt_t *f, uint64_t a, fp_env *e)
{
    unpacked_t x = operand(f, &a, e);
    const int k = f->frac_bits + 3; /* root bits: precision + round + guard */
    int32_t t, half;
    u128 n;
    uint64_t root = 0, rem = 0;
    int i;

    if (is_nan(&x))
        return nan_operands(f, e, 1, &a);
    if (x.cls == CLS_ZERO)
        return a; /* sqrt(+-0) = +-0 */
    if (x.sign)
        return invalid(f, e); /* negative, including -inf */
    if (x.cls == CLS_INF)
        return a;
    /* value = sig * 2^t; scale to n * 2^(2*half) with n in [2^126, 2^128). */
    t = x.exp - 63;
    if (t & 1) {
        n = (u128)x.sig << 63;
        half = (t - 63) / 2;
    } else {
        n = (u128)x.sig << 64;
        half = (t - 64) / 2;
    }
    /* Bit-by-bit square root of the top 2k bits of n; invariant
     * rem = (bits consumed) - root^2 <= 2 * root, so it fits in 64 bits. */
    for (i = 0; i < k; i++) {
        uint64_t trial = (root << 2) | 1;
        rem = (rem << 2) | (uint64_t)(n >> 126);
        n <<= 2;
        root <<= 1;
        if (rem >= trial) {
            rem -= trial;
            root |= 1;
        }
    }
    root |= (rem != 0 || n != 0); /* sticky */
    /* sqrt(value) ~= root * 2^(64 - k) * 2^half */
    return round_pack(f, 0, 127 - k + half, root, e);
}

static uint64_t g_muladd(const fmt_t *f, uint64_t a, uint64_t b, uint64_t c, int neg_prod, int neg_add,
                         fp_env *e)
{
    unpacked_t x = operand(f, &a, e), y = operand(f, &b, e), z = operand(f, &c, e);
    int sp = x.sign ^ y.sign ^ (neg_prod != 0), sz = z.sign ^ (neg_add != 0);
    int inf_times_zero = (x.cls == CLS_INF && y.cls == CLS_ZERO) ||
                         (x.cls == CLS_ZERO && y.cls == CLS_INF);
    int32_t ep, d, lz;
    u128 p, q, s;
    int sign;

    if (is_nan(&x) || is_nan(&y) || is_nan(&z)) {
        uint64_t v[3] = {c, a, b};
        if (inf_times_zero && z.cls == CLS_QNAN)
            return invalid(f, e); /* NV for inf * 0 even with a quiet NaN addend */
        return nan_operands(f, e, 3, v);
    }
    if (inf_times_zero)
        return invalid(f, e);
    if (x.cls == CLS_INF || y.cls == CLS_INF) {
        if (z.cls == CLS_INF && sz != sp)
            return invalid(f, e); /* inf - inf */
        return pack_inf(f, sp);
    }
    if (z.cls == CLS_INF)
        return pack_inf(f, sz);
    if (x.cls == CLS_ZERO || y.cls == CLS_ZERO) {
        if (z.cls == CLS_ZERO)
            return pack_zero(f, sp == sz ? sp : e->rm == FP_RDN);
        return round_pack(f, sz, z.exp, z.sig, e); /* exact */
    }
    ep = x.exp + y.exp + 1;
    if (z.cls == CLS_ZERO)
        return round_pack(f, sp, ep, mul_sig(x.sig, y.sig), e);

    /* Both terms as value = T * 2^(e - 125) with T < 2^126; the right
     * shift of the product loses nothing (>= 22 trailing zero bits). */
    p = ((u128)x.sig * y.sig) >> 2;
    q = (u128)z.sig << 62;
    if (z.exp > ep) { /* make p the term with the larger exponent */
        u128 t = p;
        int ts = sp;
        p = q;
        q = t;
        sp = sz;
        sz = ts;
        d = z.exp - ep;
        ep = z.exp;
    } else {
        d = ep - z.exp;
    }
    q = jam128(q, d);
    sign = sp;
    if (sp == sz) {
        s = p + q;
    } else if (p >= q) {
        s = p - q;
    } else {
        s = q - p;
        sign = sz;
    }
    if (s == 0)
        return pack_zero(f, e->rm == FP_RDN);
    lz = clz128(s);
    s <<= lz;
    return round_pack(f, sign, ep + 2 - lz, (uint64_t)(s >> 64) | ((uint64_t)s != 0), e);
}

/* An unsigned key that orders values like the numbers (total order, -0 < +0). */
static inline uint64_t order_key(const fmt_t *f, uint64_t a)
{
    uint64_t sbit = fmt_sign_bit(f), mask = sbit | (sbit - 1);
    return (a & sbit) ? (~a & mask) : (a | sbit);
}

static uint64_t g_minmax(const fmt_t *f, uint64_t a, uint64_t b, int want_max, int number, fp_env *e)
{
    unpacked_t x = operand(f, &a, e), y = operand(f, &b, e);

    if (!(e->mode & FP_ARM)) { /* RISC-V minimumNumber / maximumNumber (11.6) */
        if (x.cls == CLS_SNAN || y.cls == CLS_SNAN)
            e->flags |= FP_NV;
        if (is_nan(&x) && is_nan(&y))
            return fmt_nan(f);
        if (is_nan(&x))
            return b;
        if (is_nan(&y))
            return a;
    } else {
        if (number && x.cls == CLS_QNAN && y.cls != CLS_QNAN) /* FPMaxNum/FPMinNum */
            return is_nan(&y) ? nan2(f, e, a, b) : b;
        if (number && y.cls == CLS_QNAN && x.cls != CLS_QNAN)
            return is_nan(&x) ? nan2(f, e, a, b) : a;
        if (is_nan(&x) || is_nan(&y))
            return nan2(f, e, a, b);
    }
    return ((order_key(f, a) < order_key(f, b)) != (want_max != 0)) ? a : b;
}

static int g_compare(const fmt_t *f, uint64_t a, uint64_t b, int signaling, fp_env *e)
{
    unpacked_t x = operand(f, &a, e), y = operand(f, &b, e);
    uint64_t ka, kb;

    if (is_nan(&x) || is_nan(&y)) {
        if (signaling || x.cls == CLS_SNAN || y.cls == CLS_SNAN)
            e->flags |= FP_NV;
        return 2;
    }
    if (x.cls == CLS_ZERO && y.cls == CLS_ZERO)
        return 0; /* -0 == +0 */
    ka = order_key(f, a);
    kb = order_key(f, b);
    return ka < kb ? -1 : ka > kb;
}

/* RISC-V fclass bits (Unprivileged Spec 11.9). */
static uint32_t g_classify(const fmt_t *f, uint64_t a)
{
    uint64_t ex = (a >> f->frac_bits) & fmt_exp_mask(f);
    unpacked_t x = unpack(f, a);

    switch (x.cls) {
    case CLS_SNAN: return 1u << 8;
    case CLS_QNAN: return 1u << 9;
    case CLS_INF: return x.sign ? 1u << 0 : 1u << 7;
    case CLS_ZERO: return x.sign ? 1u << 3 : 1u << 4;
    default:
        if (ex == 0)
            return x.sign ? 1u << 2 : 1u << 5;
        return x.sign ? 1u << 1 : 1u << 6;
    }
}

/* Float to integer of 'width' bits (RISC-V 11.7, Arm FPToFixed): round
 * per rm; NaN and out-of-range values saturate and raise NV only;
 * otherwise NX if inexact.  Returns the two's complement result in 64 bits. */
static uint64_t g_to_int(const fmt_t *f, uint64_t a, int is_signed, int width, int fbits, fp_env *e)
{
    unpacked_t x = operand(f, &a, e);
    uint64_t umax = width == 64 ? ~0ull : (1ull << width) - 1;
    uint64_t pos_limit = is_signed ? umax >> 1 : umax; /* largest result magnitude */
    uint64_t neg_limit = is_signed ? (umax >> 1) + 1 : 0;
    uint64_t limit, ip;
    u128 v, mag;

    if (is_nan(&x)) {
        e->flags |= FP_NV;
        return e->mode & FP_ARM ? 0 : pos_limit;
    }
    if (x.cls == CLS_ZERO)
        return 0;
    x.exp += fbits;
    limit = x.sign ? neg_limit : pos_limit;
    if (x.cls == CLS_INF || x.exp >= 64)
        goto invalid;
    /* v = integer part, then a round bit and a sticky bit. */
    v = jam128((u128)x.sig << 2, 63 - x.exp);
    ip = (uint64_t)(v >> 2);
    mag = (u128)ip + (u128)round_up(e->rm, x.sign, (int)(ip & 1), (int)((v >> 1) & 1), (int)(v & 1));
    if (mag > limit)
        goto invalid;
    if (v & 3)
        e->flags |= FP_NX;
    return x.sign ? (uint64_t)0 - (uint64_t)mag : (uint64_t)mag;
invalid:
    e->flags |= FP_NV;
    return x.sign ? (uint64_t)0 - limit : limit;
}

/* A NaN converted between formats (Arm FPConvertNaN): sign kept, quiet,
 * the payload below the quiet bit aligned at the top, cut or zero-filled. */
static uint64_t convert_nan(const fmt_t *from, const fmt_t *to, uint64_t a)
{
    uint64_t payload = a & (fmt_quiet(from) - 1);
    uint64_t top = payload << (65 - from->frac_bits); /* 64-bit aligned */
    uint64_t sign = (a & fmt_sign_bit(from)) ? fmt_sign_bit(to) : 0;
    return sign | fmt_nan(to) | (top >> (65 - to->frac_bits));
}

static uint64_t g_convert(const fmt_t *from, const fmt_t *to, uint64_t a, fp_env *e)
{
    unpacked_t x = operand(from, &a, e);

    switch (x.cls) {
    case CLS_SNAN:
    case CLS_QNAN:
        if (x.cls == CLS_SNAN)
            e->flags |= FP_NV;
        return (e->mode & (FP_ARM | FP_DN)) == FP_ARM ? convert_nan(from, to, a) : fmt_nan(to);
    case CLS_INF: return pack_inf(to, x.sign);
    case CLS_ZERO: return pack_zero(to, x.sign);
    default: return round_pack(to, x.sign, x.exp, x.sig, e);
    }
}

static uint64_t g_round_int(const fmt_t *f, uint64_t a, int exact, fp_env *e)
{
    unpacked_t x = operand(f, &a, e);
    u128 v;
    uint64_t ip, mag;

    if (is_nan(&x))
        return nan_operands(f, e, 1, &a);
    if (x.cls != CLS_FINITE || x.exp >= f->frac_bits)
        return a; /* zero, infinity or already integral */
    v = jam128((u128)x.sig << 2, 63 - x.exp);
    ip = (uint64_t)(v >> 2);
    mag = ip + (uint64_t)round_up(e->rm, x.sign, (int)(ip & 1), (int)((v >> 1) & 1), (int)(v & 1));
    if ((v & 3) && exact)
        e->flags |= FP_NX;
    if (mag == 0)
        return pack_zero(f, x.sign);
    return round_pack(f, x.sign, 63, mag, e); /* exact */
}

/* ---------------------------------------------------------------------- */
/* Public API (softfp.h)                                                   */
/* ---------------------------------------------------------------------- */

uint64_t fp_default_nan(int fmt) { return fmt_nan(&FORMATS[fmt]); }

uint64_t fp_add(int fmt, uint64_t a, uint64_t b, fp_env *e) { return g_add(&FORMATS[fmt], a, b, 0, e); }

uint64_t fp_sub(int fmt, uint64_t a, uint64_t b, fp_env *e) { return g_add(&FORMATS[fmt], a, b, 1, e); }

uint64_t fp_mul(int fmt, uint64_t a, uint64_t b, fp_env *e) { return g_mul(&FORMATS[fmt], a, b, e); }

uint64_t fp_div(int fmt, uint64_t a, uint64_t b, fp_env *e) { return g_div(&FORMATS[fmt], a, b, e); }

uint64_t fp_sqrt(int fmt, uint64_t a, fp_env *e) { return g_sqrt(&FORMATS[fmt], a, e); }

uint64_t fp_muladd(int fmt, uint64_t a, uint64_t b, uint64_t c, int negate_product, int negate_addend,
                   fp_env *e)
{
    return g_muladd(&FORMATS[fmt], a, b, c, negate_product, negate_addend, e);
}

uint64_t fp_minmax(int fmt, uint64_t a, uint64_t b, int max, int number, fp_env *e)
{
    return g_minmax(&FORMATS[fmt], a, b, max, number, e);
}

int fp_compare(int fmt, uint64_t a, uint64_t b, int signaling, fp_env *e)
{
    return g_compare(&FORMATS[fmt], a, b, signaling, e);
}

uint32_t fp_classify(int fmt, uint64_t a) { return g_classify(&FORMATS[fmt], a); }

uint64_t fp_to_int(int fmt, uint64_t a, int is_signed, int width, int fbits, fp_env *e)
{
    return g_to_int(&FORMATS[fmt], a, is_signed, width, fbits, e);
}

uint64_t fp_from_int(int fmt, uint64_t v, int is_signed, int fbits, fp_env *e)
{
    int sign = is_signed && (int64_t)v < 0;
    uint64_t mag = sign ? (uint64_t)0 - v : v;
    if (mag == 0)
        return 0;
    return round_pack(&FORMATS[fmt], sign, 63 - fbits, mag, e);
}

uint64_t fp_convert(int from, int to, uint64_t a, fp_env *e)
{
    return g_convert(&FORMATS[from], &FORMATS[to], a, e);
}

uint64_t fp_round_int(int fmt, uint64_t a, int exact, fp_env *e) { return g_round_int(&FORMATS[fmt], a, exact, e); }
