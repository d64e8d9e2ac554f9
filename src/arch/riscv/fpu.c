/*
 * fpu.c - integer-only IEEE 754 binary32/binary64 arithmetic with RISC-V
 * F/D semantics (RISC-V Unprivileged Spec 20191213, chapters 11 and 12).
 *
 * Design: both formats share one generic core parameterised by a format
 * descriptor.  An operand is unpacked into sign, unbiased exponent and a
 * 64-bit significand normalised so that bit 63 is set:
 *
 *     value = (-1)^sign * sig * 2^(exp - 63),   2^63 <= sig < 2^64
 *
 * Every operation computes its result exactly in this form (using 128-bit
 * integers where needed), folding any discarded nonzero low bits into a
 * "sticky" bit 0, and then calls round_pack(), the single routine that
 * implements the five rounding modes, overflow, subnormals, tininess after
 * rounding and the NX/UF/OF flags.  The low-order sticky bit is always at
 * least two bit positions below the rounding position, so it never changes
 * the rounding decision, only the inexact/tie information.
 *
 * No host floating point is used anywhere in this file.
 */
#include "fpu.h"

__extension__ typedef unsigned __int128 u128;

/* ---------------------------------------------------------------------- */
/* Format descriptors                                                      */
/* ---------------------------------------------------------------------- */

typedef struct {
    int frac_bits; /* stored fraction bits: 23 or 52 */
    int exp_bits;  /* exponent field bits: 8 or 11 */
} fmt_t;

static const fmt_t FMT32 = { 23, 8 };
static const fmt_t FMT64 = { 52, 11 };

static inline int32_t fmt_bias(const fmt_t *f) { return (1 << (f->exp_bits - 1)) - 1; }
static inline uint64_t fmt_exp_mask(const fmt_t *f) { return (1ull << f->exp_bits) - 1; }
static inline uint64_t fmt_frac_mask(const fmt_t *f) { return (1ull << f->frac_bits) - 1; }
static inline uint64_t fmt_sign_bit(const fmt_t *f) { return 1ull << (f->frac_bits + f->exp_bits); }
static inline uint64_t fmt_inf(const fmt_t *f) { return fmt_exp_mask(f) << f->frac_bits; }
static inline uint64_t fmt_nan(const fmt_t *f) { return fmt_inf(f) | (1ull << (f->frac_bits - 1)); }

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

static inline int is_nan(const unpacked_t *u) { return u->cls == CLS_QNAN || u->cls == CLS_SNAN; }

/* Canonical NaN result (11.3); raises NV if 'invalid'. */
static uint64_t nan_result(const fmt_t *f, int invalid, uint32_t *flags)
{
    if (invalid)
        *flags |= FPU_NV;
    return fmt_nan(f);
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
    case FPU_RNE: return round && (sticky || lsb);
    case FPU_RTZ: return 0;
    case FPU_RDN: return sign && (round || sticky);
    case FPU_RUP: return !sign && (round || sticky);
    default:      return round; /* FPU_RMM */
    }
}

/* x = kept bits, then a round bit (bit 1) and a sticky bit (bit 0):
 * returns the kept bits rounded per rm (may carry into a new top bit). */
static inline uint64_t round_kept(uint64_t x, int rm, int sign)
{
    return (x >> 2) +
           (uint64_t)round_up(rm, sign, (int)((x >> 2) & 1), (int)((x >> 1) & 1), (int)(x & 1));
}

static uint64_t overflow(const fmt_t *f, int sign, int rm, uint32_t *flags)
{
    int to_inf = rm == FPU_RNE || rm == FPU_RMM || (rm == FPU_RDN && sign) ||
                 (rm == FPU_RUP && !sign);
    *flags |= FPU_OF | FPU_NX;
    return to_inf ? pack_inf(f, sign) : pack_zero(f, sign) | (fmt_inf(f) - 1);
}

/*
 * Round (-1)^sign * sig * 2^(exp - 63) (sig != 0, any magnitude; bit 0 may
 * be a sticky bit) to format f and pack it.  Raises NX, UF (tiny after
 * rounding and inexact) and OF.
 */
static uint64_t round_pack(const fmt_t *f, int sign, int32_t exp, uint64_t sig, int rm,
                           uint32_t *flags)
{
    const int fb = f->frac_bits;
    const int32_t bias = fmt_bias(f), emin = 1 - bias, emax = bias;
    int lz = clz64(sig);
    int32_t shift = 63 - fb; /* discarded low bits for a normal result */
    int tiny = 0;
    uint64_t x, kept, bits;

    sig <<= lz;
    exp -= lz;
    if (exp > emax)
        return overflow(f, sign, rm, flags);
    if (exp < emin) {
        shift += (emin - exp > 64) ? 64 : emin - exp;
        tiny = 1;
        if (exp == emin - 1) {
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
            return overflow(f, sign, rm, flags);
    }
    if (x & 3) {
        *flags |= FPU_NX;
        if (tiny)
            *flags |= FPU_UF;
    }
    return pack_zero(f, sign) | bits;
}

/* ---------------------------------------------------------------------- */
/* Generic arithmetic                                                      */
/* ---------------------------------------------------------------------- */

static uint64_t g_add(const fmt_t *f, uint64_t a, uint64_t b, int negate_b, int rm,
                      uint32_t *flags)
{
    unpacked_t x = unpack(f, a), y = unpack(f, b);
    uint64_t sx, sy, s;
    int sign;

    if (is_nan(&x) || is_nan(&y))
        return nan_result(f, x.cls == CLS_SNAN || y.cls == CLS_SNAN, flags);
    y.sign ^= negate_b;
    if (x.cls == CLS_INF || y.cls == CLS_INF) {
        if (x.cls == CLS_INF && y.cls == CLS_INF && x.sign != y.sign)
            return nan_result(f, 1, flags); /* inf - inf */
        return pack_inf(f, x.cls == CLS_INF ? x.sign : y.sign);
    }
    if (x.cls == CLS_ZERO && y.cls == CLS_ZERO)
        return pack_zero(f, x.sign == y.sign ? x.sign : rm == FPU_RDN);
    if (y.cls == CLS_ZERO)
        return round_pack(f, x.sign, x.exp, x.sig, rm, flags); /* exact */
    if (x.cls == CLS_ZERO)
        return round_pack(f, y.sign, y.exp, y.sig, rm, flags); /* exact */

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
        return pack_zero(f, rm == FPU_RDN);
    return round_pack(f, sign, x.exp + 1, s, rm, flags);
}

/* Exact product of two significands, jammed to 64 bits: with
 * value = result * 2^(ea + eb + 1 - 63). */
static inline uint64_t mul_sig(uint64_t sa, uint64_t sb)
{
    u128 p = (u128)sa * sb;
    return (uint64_t)(p >> 64) | ((uint64_t)p != 0);
}

static uint64_t g_mul(const fmt_t *f, uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
    unpacked_t x = unpack(f, a), y = unpack(f, b);
    int sign = x.sign ^ y.sign;

    if (is_nan(&x) || is_nan(&y))
        return nan_result(f, x.cls == CLS_SNAN || y.cls == CLS_SNAN, flags);
    if (x.cls == CLS_INF || y.cls == CLS_INF) {
        if (x.cls == CLS_ZERO || y.cls == CLS_ZERO)
            return nan_result(f, 1, flags); /* inf * 0 */
        return pack_inf(f, sign);
    }
    if (x.cls == CLS_ZERO || y.cls == CLS_ZERO)
        return pack_zero(f, sign);
    return round_pack(f, sign, x.exp + y.exp + 1, mul_sig(x.sig, y.sig), rm, flags);
}

static uint64_t g_div(const fmt_t *f, uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
    unpacked_t x = unpack(f, a), y = unpack(f, b);
    int sign = x.sign ^ y.sign;
    u128 num;
    uint64_t q;

    if (is_nan(&x) || is_nan(&y))
        return nan_result(f, x.cls == CLS_SNAN || y.cls == CLS_SNAN, flags);
    if (x.cls == CLS_INF) {
        if (y.cls == CLS_INF)
            return nan_result(f, 1, flags); /* inf / inf */
        return pack_inf(f, sign);
    }
    if (y.cls == CLS_INF)
        return pack_zero(f, sign);
    if (y.cls == CLS_ZERO) {
        if (x.cls == CLS_ZERO)
            return nan_result(f, 1, flags); /* 0 / 0 */
        *flags |= FPU_DZ;
        return pack_inf(f, sign);
    }
    if (x.cls == CLS_ZERO)
        return pack_zero(f, sign);
    /* sig_x * 2^63 / sig_y lies in (2^62, 2^64): at least 63 quotient bits. */
    num = (u128)x.sig << 63;
    q = (uint64_t)(num / y.sig);
    q |= (num % y.sig) != 0;
    return round_pack(f, sign, x.exp - y.exp, q, rm, flags);
}

static uint64_t g_sqrt(const fmt_t *f, uint64_t a, int rm, uint32_t *flags)
{
    unpacked_t x = unpack(f, a);
    const int k = f->frac_bits + 3; /* root bits: precision + round + guard */
    int32_t t, half;
    u128 n;
    uint64_t root = 0, rem = 0;
    int i;

    if (is_nan(&x))
        return nan_result(f, x.cls == CLS_SNAN, flags);
    if (x.cls == CLS_ZERO)
        return a; /* sqrt(+-0) = +-0 */
    if (x.sign)
        return nan_result(f, 1, flags); /* negative, including -inf */
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
    return round_pack(f, 0, 127 - k + half, root, rm, flags);
}

static uint64_t g_muladd(const fmt_t *f, uint64_t a, uint64_t b, uint64_t c, int neg_prod,
                         int neg_add, int rm, uint32_t *flags)
{
    unpacked_t x = unpack(f, a), y = unpack(f, b), z = unpack(f, c);
    int sp = x.sign ^ y.sign ^ (neg_prod != 0), sz = z.sign ^ (neg_add != 0);
    int inf_times_zero = (x.cls == CLS_INF && y.cls == CLS_ZERO) ||
                         (x.cls == CLS_ZERO && y.cls == CLS_INF);
    int32_t ep, d, lz;
    u128 p, q, s;
    int sign;

    /* NV for inf * 0 even when the addend is a quiet NaN (11.6). */
    if (is_nan(&x) || is_nan(&y) || is_nan(&z))
        return nan_result(
            f, x.cls == CLS_SNAN || y.cls == CLS_SNAN || z.cls == CLS_SNAN || inf_times_zero,
            flags);
    if (inf_times_zero)
        return nan_result(f, 1, flags);
    if (x.cls == CLS_INF || y.cls == CLS_INF) {
        if (z.cls == CLS_INF && sz != sp)
            return nan_result(f, 1, flags); /* inf - inf */
        return pack_inf(f, sp);
    }
    if (z.cls == CLS_INF)
        return pack_inf(f, sz);
    if (x.cls == CLS_ZERO || y.cls == CLS_ZERO) {
        if (z.cls == CLS_ZERO)
            return pack_zero(f, sp == sz ? sp : rm == FPU_RDN);
        return round_pack(f, sz, z.exp, z.sig, rm, flags); /* exact */
    }
    ep = x.exp + y.exp + 1;
    if (z.cls == CLS_ZERO)
        return round_pack(f, sp, ep, mul_sig(x.sig, y.sig), rm, flags);

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
        return pack_zero(f, rm == FPU_RDN);
    lz = clz128(s);
    s <<= lz;
    return round_pack(f, sign, ep + 2 - lz, (uint64_t)(s >> 64) | ((uint64_t)s != 0), rm,
                      flags);
}

/* minimumNumber / maximumNumber with -0 < +0 (11.6). */
static uint64_t g_minmax(const fmt_t *f, uint64_t a, uint64_t b, int want_max, uint32_t *flags)
{
    unpacked_t x = unpack(f, a), y = unpack(f, b);
    uint64_t sbit = fmt_sign_bit(f), mask = sbit | (sbit - 1), ka, kb;

    if (x.cls == CLS_SNAN || y.cls == CLS_SNAN)
        *flags |= FPU_NV;
    if (is_nan(&x) && is_nan(&y))
        return fmt_nan(f);
    if (is_nan(&x))
        return b;
    if (is_nan(&y))
        return a;
    /* Map to unsigned keys that order like the values (total order). */
    ka = (a & sbit) ? (~a & mask) : (a | sbit);
    kb = (b & sbit) ? (~b & mask) : (b | sbit);
    return ((ka < kb) != (want_max != 0)) ? a : b;
}

/* Compare: returns -1 (a < b), 0 (equal), 1 (a > b) or 2 (unordered). */
static int g_compare(const fmt_t *f, uint64_t a, uint64_t b, int signaling, uint32_t *flags)
{
    unpacked_t x = unpack(f, a), y = unpack(f, b);
    uint64_t sbit = fmt_sign_bit(f), mask = sbit | (sbit - 1), ka, kb;

    if (is_nan(&x) || is_nan(&y)) {
        if (signaling || x.cls == CLS_SNAN || y.cls == CLS_SNAN)
            *flags |= FPU_NV;
        return 2;
    }
    if (x.cls == CLS_ZERO && y.cls == CLS_ZERO)
        return 0; /* -0 == +0 */
    ka = (a & sbit) ? (~a & mask) : (a | sbit);
    kb = (b & sbit) ? (~b & mask) : (b | sbit);
    return ka < kb ? -1 : ka > kb;
}

static uint32_t g_classify(const fmt_t *f, uint64_t a)
{
    uint64_t e = (a >> f->frac_bits) & fmt_exp_mask(f);
    unpacked_t x = unpack(f, a);

    switch (x.cls) {
    case CLS_SNAN: return FPU_CLASS_SNAN;
    case CLS_QNAN: return FPU_CLASS_QNAN;
    case CLS_INF: return x.sign ? FPU_CLASS_NEG_INF : FPU_CLASS_POS_INF;
    case CLS_ZERO: return x.sign ? FPU_CLASS_NEG_ZERO : FPU_CLASS_POS_ZERO;
    default:
        if (e == 0)
            return x.sign ? FPU_CLASS_NEG_SUBNORMAL : FPU_CLASS_POS_SUBNORMAL;
        return x.sign ? FPU_CLASS_NEG_NORMAL : FPU_CLASS_POS_NORMAL;
    }
}

/* Float to integer of 'width' bits (11.7): round per rm; NaN
 * and out-of-range values saturate and raise NV only; otherwise NX if
 * inexact.  Returns the two's complement result in 64 bits. */
static uint64_t g_to_int(const fmt_t *f, uint64_t a, int rm, int is_signed, int width,
                         uint32_t *flags)
{
    unpacked_t x = unpack(f, a);
    uint64_t umax = width == 64 ? ~0ull : (1ull << width) - 1;
    uint64_t pos_limit = is_signed ? umax >> 1 : umax; /* largest result magnitude */
    uint64_t neg_limit = is_signed ? (umax >> 1) + 1 : 0;
    uint64_t limit, ip;
    u128 v, mag;

    if (is_nan(&x)) {
        *flags |= FPU_NV;
        return pos_limit;
    }
    if (x.cls == CLS_ZERO)
        return 0;
    limit = x.sign ? neg_limit : pos_limit;
    if (x.cls == CLS_INF || x.exp >= 64)
        goto invalid;
    /* v = integer part, then a round bit and a sticky bit. */
    v = jam128((u128)x.sig << 2, 63 - x.exp);
    ip = (uint64_t)(v >> 2);
    mag = (u128)ip + (u128)round_up(rm, x.sign, (int)(ip & 1), (int)((v >> 1) & 1), (int)(v & 1));
    if (mag > limit)
        goto invalid;
    if (v & 3)
        *flags |= FPU_NX;
    return x.sign ? (uint64_t)0 - (uint64_t)mag : (uint64_t)mag;
invalid:
    *flags |= FPU_NV;
    return x.sign ? (uint64_t)0 - limit : limit;
}

/* Integer magnitude with sign to format f (11.7). */
static uint64_t g_from_int(const fmt_t *f, int sign, uint64_t mag, int rm, uint32_t *flags)
{
    if (mag == 0)
        return 0;
    return round_pack(f, sign, 63, mag, rm, flags);
}

/* Format conversion (12.5): NaN -> canonical (NV if signaling). */
static uint64_t g_convert(const fmt_t *from, const fmt_t *to, uint64_t a, int rm,
                          uint32_t *flags)
{
    unpacked_t x = unpack(from, a);

    switch (x.cls) {
    case CLS_SNAN:
    case CLS_QNAN: return nan_result(to, x.cls == CLS_SNAN, flags);
    case CLS_INF: return pack_inf(to, x.sign);
    case CLS_ZERO: return pack_zero(to, x.sign);
    default: return round_pack(to, x.sign, x.exp, x.sig, rm, flags);
    }
}

static inline uint64_t abs_i64(int64_t v) { return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; }

/* ---------------------------------------------------------------------- */
/* Public API: binary32 (chapter 11); documented in fpu.h                 */
/* ---------------------------------------------------------------------- */

uint32_t fpu_f32_add(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
    return (uint32_t)g_add(&FMT32, a, b, 0, rm, flags);
}

uint32_t fpu_f32_sub(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
    return (uint32_t)g_add(&FMT32, a, b, 1, rm, flags);
}

uint32_t fpu_f32_mul(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
    return (uint32_t)g_mul(&FMT32, a, b, rm, flags);
}

uint32_t fpu_f32_div(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
    return (uint32_t)g_div(&FMT32, a, b, rm, flags);
}

uint32_t fpu_f32_sqrt(uint32_t a, int rm, uint32_t *flags)
{
    return (uint32_t)g_sqrt(&FMT32, a, rm, flags);
}

uint32_t fpu_f32_muladd(uint32_t a, uint32_t b, uint32_t c, int negate_product,
                        int negate_addend, int rm, uint32_t *flags)
{
    return (uint32_t)g_muladd(&FMT32, a, b, c, negate_product, negate_addend, rm, flags);
}

uint32_t fpu_f32_min(uint32_t a, uint32_t b, uint32_t *flags)
{
    return (uint32_t)g_minmax(&FMT32, a, b, 0, flags);
}

uint32_t fpu_f32_max(uint32_t a, uint32_t b, uint32_t *flags)
{
    return (uint32_t)g_minmax(&FMT32, a, b, 1, flags);
}

int fpu_f32_eq(uint32_t a, uint32_t b, uint32_t *flags)
{
    return g_compare(&FMT32, a, b, 0, flags) == 0;
}

int fpu_f32_lt(uint32_t a, uint32_t b, uint32_t *flags)
{
    return g_compare(&FMT32, a, b, 1, flags) == -1;
}

int fpu_f32_le(uint32_t a, uint32_t b, uint32_t *flags)
{
    return g_compare(&FMT32, a, b, 1, flags) <= 0;
}

uint32_t fpu_f32_classify(uint32_t a) { return g_classify(&FMT32, a); }

int32_t fpu_f32_to_i32(uint32_t a, int rm, uint32_t *flags)
{
    return (int32_t)(uint32_t)g_to_int(&FMT32, a, rm, 1, 32, flags);
}

uint32_t fpu_f32_to_u32(uint32_t a, int rm, uint32_t *flags)
{
    return (uint32_t)g_to_int(&FMT32, a, rm, 0, 32, flags);
}

int64_t fpu_f32_to_i64(uint32_t a, int rm, uint32_t *flags)
{
    return (int64_t)g_to_int(&FMT32, a, rm, 1, 64, flags);
}

uint64_t fpu_f32_to_u64(uint32_t a, int rm, uint32_t *flags)
{
    return g_to_int(&FMT32, a, rm, 0, 64, flags);
}

uint32_t fpu_i32_to_f32(int32_t v, int rm, uint32_t *flags)
{
    return (uint32_t)g_from_int(&FMT32, v < 0, abs_i64(v), rm, flags);
}

uint32_t fpu_u32_to_f32(uint32_t v, int rm, uint32_t *flags)
{
    return (uint32_t)g_from_int(&FMT32, 0, v, rm, flags);
}

uint32_t fpu_i64_to_f32(int64_t v, int rm, uint32_t *flags)
{
    return (uint32_t)g_from_int(&FMT32, v < 0, abs_i64(v), rm, flags);
}

uint32_t fpu_u64_to_f32(uint64_t v, int rm, uint32_t *flags)
{
    return (uint32_t)g_from_int(&FMT32, 0, v, rm, flags);
}

uint64_t fpu_f32_to_f64(uint32_t a, uint32_t *flags)
{
    return g_convert(&FMT32, &FMT64, a, FPU_RNE, flags);
}

uint32_t fpu_f64_to_f32(uint64_t a, int rm, uint32_t *flags)
{
    return (uint32_t)g_convert(&FMT64, &FMT32, a, rm, flags);
}

/* ---------------------------------------------------------------------- */
/* Public API: binary64 (chapter 12); documented in fpu.h                 */
/* ---------------------------------------------------------------------- */

uint64_t fpu_f64_add(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
    return g_add(&FMT64, a, b, 0, rm, flags);
}

uint64_t fpu_f64_sub(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
    return g_add(&FMT64, a, b, 1, rm, flags);
}

uint64_t fpu_f64_mul(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
    return g_mul(&FMT64, a, b, rm, flags);
}

uint64_t fpu_f64_div(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
    return g_div(&FMT64, a, b, rm, flags);
}

uint64_t fpu_f64_sqrt(uint64_t a, int rm, uint32_t *flags)
{
    return g_sqrt(&FMT64, a, rm, flags);
}

uint64_t fpu_f64_muladd(uint64_t a, uint64_t b, uint64_t c, int negate_product,
                        int negate_addend, int rm, uint32_t *flags)
{
    return g_muladd(&FMT64, a, b, c, negate_product, negate_addend, rm, flags);
}

uint64_t fpu_f64_min(uint64_t a, uint64_t b, uint32_t *flags)
{
    return g_minmax(&FMT64, a, b, 0, flags);
}

uint64_t fpu_f64_max(uint64_t a, uint64_t b, uint32_t *flags)
{
    return g_minmax(&FMT64, a, b, 1, flags);
}

int fpu_f64_eq(uint64_t a, uint64_t b, uint32_t *flags)
{
    return g_compare(&FMT64, a, b, 0, flags) == 0;
}

int fpu_f64_lt(uint64_t a, uint64_t b, uint32_t *flags)
{
    return g_compare(&FMT64, a, b, 1, flags) == -1;
}

int fpu_f64_le(uint64_t a, uint64_t b, uint32_t *flags)
{
    return g_compare(&FMT64, a, b, 1, flags) <= 0;
}

uint32_t fpu_f64_classify(uint64_t a) { return g_classify(&FMT64, a); }

int32_t fpu_f64_to_i32(uint64_t a, int rm, uint32_t *flags)
{
    return (int32_t)(uint32_t)g_to_int(&FMT64, a, rm, 1, 32, flags);
}

uint32_t fpu_f64_to_u32(uint64_t a, int rm, uint32_t *flags)
{
    return (uint32_t)g_to_int(&FMT64, a, rm, 0, 32, flags);
}

int64_t fpu_f64_to_i64(uint64_t a, int rm, uint32_t *flags)
{
    return (int64_t)g_to_int(&FMT64, a, rm, 1, 64, flags);
}

uint64_t fpu_f64_to_u64(uint64_t a, int rm, uint32_t *flags)
{
    return g_to_int(&FMT64, a, rm, 0, 64, flags);
}

uint64_t fpu_i32_to_f64(int32_t v, int rm, uint32_t *flags)
{
    return g_from_int(&FMT64, v < 0, abs_i64(v), rm, flags);
}

uint64_t fpu_u32_to_f64(uint32_t v, int rm, uint32_t *flags)
{
    return g_from_int(&FMT64, 0, v, rm, flags);
}

uint64_t fpu_i64_to_f64(int64_t v, int rm, uint32_t *flags)
{
    return g_from_int(&FMT64, v < 0, abs_i64(v), rm, flags);
}

uint64_t fpu_u64_to_f64(uint64_t v, int rm, uint32_t *flags)
{
    return g_from_int(&FMT64, 0, v, rm, flags);
}
