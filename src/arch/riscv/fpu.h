/*
 * fpu.h - integer-only IEEE 754 binary32/binary64 arithmetic with RISC-V
 * F/D semantics (RISC-V Unprivileged Spec 20191213, chapters 11 and 12),
 * a thin layer over the shared soft-float library (fp/softfp.h).
 *
 * Every function takes and returns raw IEEE bit patterns, takes a static
 * rounding mode already resolved from frm (FPU_RNE..FPU_RMM only) and ORs
 * the accrued exception flags (FPU_NX..FPU_NV) into *flags.  NaN results
 * are always the canonical NaN (11.3).  Tininess is detected after
 * rounding (11.4).  No host floating point is used, so results are
 * bit-identical on every host, including WebAssembly.
 *
 * Single-precision values are passed unboxed (the low 32 bits); NaN-boxing
 * (12.2) is the caller's job.
 */
#ifndef WVM_ARCH_RISCV_FPU_H
#define WVM_ARCH_RISCV_FPU_H

#include <stdint.h>

/* RISC-V frm/rm encodings (Unprivileged Spec 20191213, 11.2) */
enum { FPU_RNE = 0, FPU_RTZ = 1, FPU_RDN = 2, FPU_RUP = 3, FPU_RMM = 4 };
/* fflags bits (11.2) */
enum { FPU_NX = 1, FPU_UF = 2, FPU_OF = 4, FPU_DZ = 8, FPU_NV = 16 };

/* Canonical quiet NaNs (11.3). */
#define FPU_F32_CANONICAL_NAN 0x7fc00000u
#define FPU_F64_CANONICAL_NAN 0x7ff8000000000000ull

/* fclass result bits (11.9, 12.7) */
enum {
    FPU_CLASS_NEG_INF = 1 << 0,
    FPU_CLASS_NEG_NORMAL = 1 << 1,
    FPU_CLASS_NEG_SUBNORMAL = 1 << 2,
    FPU_CLASS_NEG_ZERO = 1 << 3,
    FPU_CLASS_POS_ZERO = 1 << 4,
    FPU_CLASS_POS_SUBNORMAL = 1 << 5,
    FPU_CLASS_POS_NORMAL = 1 << 6,
    FPU_CLASS_POS_INF = 1 << 7,
    FPU_CLASS_SNAN = 1 << 8,
    FPU_CLASS_QNAN = 1 << 9
};

/* ---- binary32 (chapter 11, "F") ---- */

/* fadd.s: a + b rounded per rm (11.6). */
uint32_t fpu_f32_add(uint32_t a, uint32_t b, int rm, uint32_t *flags);
/* fsub.s: a - b rounded per rm (11.6). */
uint32_t fpu_f32_sub(uint32_t a, uint32_t b, int rm, uint32_t *flags);
/* fmul.s: a * b rounded per rm (11.6). */
uint32_t fpu_f32_mul(uint32_t a, uint32_t b, int rm, uint32_t *flags);
/* fdiv.s: a / b rounded per rm; DZ for finite nonzero / 0 (11.6). */
uint32_t fpu_f32_div(uint32_t a, uint32_t b, int rm, uint32_t *flags);
/* fsqrt.s: sqrt(a) rounded per rm; NV for a < 0 (11.6). */
uint32_t fpu_f32_sqrt(uint32_t a, int rm, uint32_t *flags);
/* fmadd/fmsub/fnmsub/fnmadd.s: (+-(a*b)) + (+-c) with a single rounding; NV for inf*0 even if c is qNaN (11.6). */
uint32_t fpu_f32_muladd(uint32_t a, uint32_t b, uint32_t c, int negate_product,
                        int negate_addend, int rm, uint32_t *flags);
/* fmin.s: minimumNumber(a, b) with -0 < +0; NV only for sNaN inputs (11.6). */
uint32_t fpu_f32_min(uint32_t a, uint32_t b, uint32_t *flags);
/* fmax.s: maximumNumber(a, b) with -0 < +0; NV only for sNaN inputs (11.6). */
uint32_t fpu_f32_max(uint32_t a, uint32_t b, uint32_t *flags);
/* feq.s: 1 if a == b (quiet: NV only for sNaN) (11.8). */
int fpu_f32_eq(uint32_t a, uint32_t b, uint32_t *flags);
/* flt.s: 1 if a < b (signaling: NV for any NaN) (11.8). */
int fpu_f32_lt(uint32_t a, uint32_t b, uint32_t *flags);
/* fle.s: 1 if a <= b (signaling: NV for any NaN) (11.8). */
int fpu_f32_le(uint32_t a, uint32_t b, uint32_t *flags);
/* fclass.s: 10-bit class mask of a, FPU_CLASS_* (11.9). */
uint32_t fpu_f32_classify(uint32_t a);
/* fcvt.w.s: a rounded per rm to int32, saturating with NV; NaN -> INT32_MAX (11.7). */
int32_t fpu_f32_to_i32(uint32_t a, int rm, uint32_t *flags);
/* fcvt.wu.s: a rounded per rm to uint32, saturating with NV; NaN -> UINT32_MAX (11.7). */
uint32_t fpu_f32_to_u32(uint32_t a, int rm, uint32_t *flags);
/* fcvt.l.s: a rounded per rm to int64, saturating with NV; NaN -> INT64_MAX (11.7). */
int64_t fpu_f32_to_i64(uint32_t a, int rm, uint32_t *flags);
/* fcvt.lu.s: a rounded per rm to uint64, saturating with NV; NaN -> UINT64_MAX (11.7). */
uint64_t fpu_f32_to_u64(uint32_t a, int rm, uint32_t *flags);
/* fcvt.s.w: int32 v rounded per rm to binary32 (11.7). */
uint32_t fpu_i32_to_f32(int32_t v, int rm, uint32_t *flags);
/* fcvt.s.wu: uint32 v rounded per rm to binary32 (11.7). */
uint32_t fpu_u32_to_f32(uint32_t v, int rm, uint32_t *flags);
/* fcvt.s.l: int64 v rounded per rm to binary32 (11.7). */
uint32_t fpu_i64_to_f32(int64_t v, int rm, uint32_t *flags);
/* fcvt.s.lu: uint64 v rounded per rm to binary32 (11.7). */
uint32_t fpu_u64_to_f32(uint64_t v, int rm, uint32_t *flags);

/* ---- conversions between formats (12.5) ---- */

/* fcvt.d.s: exact widening of a; NaN -> canonical, NV for sNaN (12.5). */
uint64_t fpu_f32_to_f64(uint32_t a, uint32_t *flags);
/* fcvt.s.d: a rounded per rm to binary32; NaN -> canonical, NV for sNaN (12.5). */
uint32_t fpu_f64_to_f32(uint64_t a, int rm, uint32_t *flags);

/* ---- binary64 (chapter 12, "D") ---- */

/* fadd.d: a + b rounded per rm (12.4). */
uint64_t fpu_f64_add(uint64_t a, uint64_t b, int rm, uint32_t *flags);
/* fsub.d: a - b rounded per rm (12.4). */
uint64_t fpu_f64_sub(uint64_t a, uint64_t b, int rm, uint32_t *flags);
/* fmul.d: a * b rounded per rm (12.4). */
uint64_t fpu_f64_mul(uint64_t a, uint64_t b, int rm, uint32_t *flags);
/* fdiv.d: a / b rounded per rm; DZ for finite nonzero / 0 (12.4). */
uint64_t fpu_f64_div(uint64_t a, uint64_t b, int rm, uint32_t *flags);
/* fsqrt.d: sqrt(a) rounded per rm; NV for a < 0 (12.4). */
uint64_t fpu_f64_sqrt(uint64_t a, int rm, uint32_t *flags);
/* fmadd/fmsub/fnmsub/fnmadd.d: (+-(a*b)) + (+-c) with a single rounding; NV for inf*0 even if c is qNaN (12.4). */
uint64_t fpu_f64_muladd(uint64_t a, uint64_t b, uint64_t c, int negate_product,
                        int negate_addend, int rm, uint32_t *flags);
/* fmin.d: minimumNumber(a, b) with -0 < +0; NV only for sNaN inputs (12.4). */
uint64_t fpu_f64_min(uint64_t a, uint64_t b, uint32_t *flags);
/* fmax.d: maximumNumber(a, b) with -0 < +0; NV only for sNaN inputs (12.4). */
uint64_t fpu_f64_max(uint64_t a, uint64_t b, uint32_t *flags);
/* feq.d: 1 if a == b (quiet: NV only for sNaN) (12.6). */
int fpu_f64_eq(uint64_t a, uint64_t b, uint32_t *flags);
/* flt.d: 1 if a < b (signaling: NV for any NaN) (12.6). */
int fpu_f64_lt(uint64_t a, uint64_t b, uint32_t *flags);
/* fle.d: 1 if a <= b (signaling: NV for any NaN) (12.6). */
int fpu_f64_le(uint64_t a, uint64_t b, uint32_t *flags);
/* fclass.d: 10-bit class mask of a, FPU_CLASS_* (12.7). */
uint32_t fpu_f64_classify(uint64_t a);
/* fcvt.w.d: a rounded per rm to int32 (caller sign-extends), saturating with NV; NaN -> INT32_MAX (12.5). */
int32_t fpu_f64_to_i32(uint64_t a, int rm, uint32_t *flags);
/* fcvt.wu.d: a rounded per rm to uint32, saturating with NV; NaN -> UINT32_MAX (12.5). */
uint32_t fpu_f64_to_u32(uint64_t a, int rm, uint32_t *flags);
/* fcvt.l.d: a rounded per rm to int64, saturating with NV; NaN -> INT64_MAX (12.5). */
int64_t fpu_f64_to_i64(uint64_t a, int rm, uint32_t *flags);
/* fcvt.lu.d: a rounded per rm to uint64, saturating with NV; NaN -> UINT64_MAX (12.5). */
uint64_t fpu_f64_to_u64(uint64_t a, int rm, uint32_t *flags);
/* fcvt.d.w: int32 v to binary64 (always exact) (12.5). */
uint64_t fpu_i32_to_f64(int32_t v, int rm, uint32_t *flags);
/* fcvt.d.wu: uint32 v to binary64 (always exact) (12.5). */
uint64_t fpu_u32_to_f64(uint32_t v, int rm, uint32_t *flags);
/* fcvt.d.l: int64 v rounded per rm to binary64 (12.5). */
uint64_t fpu_i64_to_f64(int64_t v, int rm, uint32_t *flags);
/* fcvt.d.lu: uint64 v rounded per rm to binary64 (12.5). */
uint64_t fpu_u64_to_f64(uint64_t v, int rm, uint32_t *flags);

#endif /* WVM_ARCH_RISCV_FPU_H */
