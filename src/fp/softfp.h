/*
 * softfp.h - integer-only IEEE 754 binary16/32/64 arithmetic shared by the
 * guest front-ends: RISC-V F/D (Unprivileged Spec 20191213, chapters 11 and
 * 12; arch/riscv/fpu.h wraps it) and the Arm SIMD&FP instructions (Arm ARM
 * DDI 0487, the FP* pseudocode functions of chapter J1: FPAdd, FPMulAdd,
 * FPRoundBase, FPProcessNaNs, FPToFixed, FPConvert, FPRoundInt ...).
 *
 * Values are raw bit patterns in the low bits of a uint64_t. An fp_env
 * gives the rounding mode and the architecture's rules (fp_env.mode) and
 * accrues the exception flags (FP_NX..FP_ID) in fp_env.flags. No host
 * floating point is used, so results are bit-identical on every host,
 * including WebAssembly.
 */
#ifndef WVM_FP_SOFTFP_H
#define WVM_FP_SOFTFP_H

#include <stdint.h>

/* Rounding modes (RISC-V frm encodings; FP_RMM is Arm's "to nearest, ties away"). */
enum { FP_RNE = 0, FP_RTZ = 1, FP_RDN = 2, FP_RUP = 3, FP_RMM = 4 };
/* Exception flags: RISC-V fflags bits, and FP_ID (Arm's input denormal, IDC). */
enum { FP_NX = 1, FP_UF = 2, FP_OF = 4, FP_DZ = 8, FP_NV = 16, FP_ID = 32 };
/* Formats. */
enum { FP_F16 = 0, FP_F32 = 1, FP_F64 = 2 };

/* fp_env.mode bits. Without any: RISC-V (every NaN result is the
 * canonical NaN, tininess after rounding, a NaN converts to the largest
 * positive integer). FP_ARM: Arm rules (a NaN operand propagates: the first
 * signalling NaN, else the first quiet NaN, made quiet; tininess before
 * rounding; a NaN converts to integer 0; minimum/maximum propagate NaNs).
 * FP_DN: with FP_ARM, NaN results are the default NaN (FPCR.DN). FP_FZ:
 * flush binary32/64 subnormal operands to zero (FP_ID) and tiny results to
 * zero (FP_UF) (FPCR.FZ). */
enum { FP_ARM = 1, FP_DN = 2, FP_FZ = 4 };

typedef struct fp_env {
    uint8_t rm;     /* FP_RNE..FP_RMM */
    uint8_t mode;   /* FP_ARM | FP_DN | FP_FZ */
    uint32_t flags; /* accrued FP_NX..FP_ID */
} fp_env;

/* The default (canonical) quiet NaN of format `fmt`: sign 0, quiet bit only. */
uint64_t fp_default_nan(int fmt);

/* a + b, a - b, a * b, a / b rounded per e (DZ for finite nonzero / 0). */
uint64_t fp_add(int fmt, uint64_t a, uint64_t b, fp_env *e);
uint64_t fp_sub(int fmt, uint64_t a, uint64_t b, fp_env *e);
uint64_t fp_mul(int fmt, uint64_t a, uint64_t b, fp_env *e);
uint64_t fp_div(int fmt, uint64_t a, uint64_t b, fp_env *e);
/* sqrt(a) rounded per e; NV for a < 0. */
uint64_t fp_sqrt(int fmt, uint64_t a, fp_env *e);
/* (+-(a*b)) + (+-c) with one rounding; NV for inf * 0 also when c is a quiet
 * NaN (the result is then the default NaN). NaN operands propagate in the
 * order c, a, b (Arm FPMulAdd's addend first). */
uint64_t fp_muladd(int fmt, uint64_t a, uint64_t b, uint64_t c, int negate_product, int negate_addend,
                   fp_env *e);
/* Minimum (max = 0) or maximum (max = 1) with -0 < +0. Without FP_ARM:
 * RISC-V minimumNumber/maximumNumber (a NaN operand loses; NV for sNaN).
 * With FP_ARM: FMIN/FMAX (NaNs propagate) or, with `number`, FMINNM/FMAXNM
 * (a quiet NaN loses to a number). */
uint64_t fp_minmax(int fmt, uint64_t a, uint64_t b, int max, int number, fp_env *e);
/* Compare: -1 (a < b), 0 (equal), 1 (a > b) or 2 (unordered). NV for a
 * signalling NaN, or for any NaN when `signaling`. */
int fp_compare(int fmt, uint64_t a, uint64_t b, int signaling, fp_env *e);
/* RISC-V fclass: the 10-bit class mask of a (Unprivileged Spec 11.9). */
uint32_t fp_classify(int fmt, uint64_t a);
/* a * 2^fbits rounded per e to a `width`-bit (32 or 64) signed or unsigned
 * integer, saturating with NV; NX if inexact. A NaN gives NV and 0 (FP_ARM)
 * or the largest positive integer. Returns the two's complement result. */
uint64_t fp_to_int(int fmt, uint64_t a, int is_signed, int width, int fbits, fp_env *e);
/* The integer v (signed: as int64_t) / 2^fbits rounded per e to fmt. */
uint64_t fp_from_int(int fmt, uint64_t v, int is_signed, int fbits, fp_env *e);
/* a of format `from` rounded per e to format `to`. A NaN becomes the
 * default NaN, or (FP_ARM without FP_DN) keeps its sign and payload
 * (FPConvertNaN); NV for a signalling NaN. */
uint64_t fp_convert(int from, int to, uint64_t a, fp_env *e);
/* a rounded per e to an integral value of the same format (Arm FRINT*):
 * NX if inexact and `exact` (FRINTX); NaNs propagate. */
uint64_t fp_round_int(int fmt, uint64_t a, int exact, fp_env *e);

#endif
