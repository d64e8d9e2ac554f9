/*
 * fpu.c - the RISC-V F/D soft-float API (fpu.h) over the shared library
 * (fp/softfp.h) with RISC-V rules: canonical NaNs, tininess after rounding,
 * no flushing (Unprivileged Spec 20191213, chapters 11 and 12).
 */
#include "arch/riscv/fpu.h"

#include "fp/softfp.h"

/* An environment for rounding mode rm; its flags are ORed into *flags. */
#define ENV(rm) fp_env e = {(uint8_t)(rm), 0, 0}
#define RET(expr) do { uint64_t r_ = (expr); *flags |= e.flags; return r_; } while (0)

uint32_t fpu_f32_add(uint32_t a, uint32_t b, int rm, uint32_t *flags) { ENV(rm); RET(fp_add(FP_F32, a, b, &e)); }
uint32_t fpu_f32_sub(uint32_t a, uint32_t b, int rm, uint32_t *flags) { ENV(rm); RET(fp_sub(FP_F32, a, b, &e)); }
uint32_t fpu_f32_mul(uint32_t a, uint32_t b, int rm, uint32_t *flags) { ENV(rm); RET(fp_mul(FP_F32, a, b, &e)); }
uint32_t fpu_f32_div(uint32_t a, uint32_t b, int rm, uint32_t *flags) { ENV(rm); RET(fp_div(FP_F32, a, b, &e)); }
uint32_t fpu_f32_sqrt(uint32_t a, int rm, uint32_t *flags) { ENV(rm); RET(fp_sqrt(FP_F32, a, &e)); }

uint32_t fpu_f32_muladd(uint32_t a, uint32_t b, uint32_t c, int negate_product, int negate_addend, int rm,
                        uint32_t *flags)
{
    ENV(rm);
    RET(fp_muladd(FP_F32, a, b, c, negate_product, negate_addend, &e));
}

uint32_t fpu_f32_min(uint32_t a, uint32_t b, uint32_t *flags) { ENV(0); RET(fp_minmax(FP_F32, a, b, 0, 1, &e)); }
uint32_t fpu_f32_max(uint32_t a, uint32_t b, uint32_t *flags) { ENV(0); RET(fp_minmax(FP_F32, a, b, 1, 1, &e)); }
int fpu_f32_eq(uint32_t a, uint32_t b, uint32_t *flags) { ENV(0); RET(fp_compare(FP_F32, a, b, 0, &e) == 0); }
int fpu_f32_lt(uint32_t a, uint32_t b, uint32_t *flags) { ENV(0); RET(fp_compare(FP_F32, a, b, 1, &e) == -1); }
int fpu_f32_le(uint32_t a, uint32_t b, uint32_t *flags) { ENV(0); RET(fp_compare(FP_F32, a, b, 1, &e) <= 0); }
uint32_t fpu_f32_classify(uint32_t a) { return fp_classify(FP_F32, a); }

int32_t fpu_f32_to_i32(uint32_t a, int rm, uint32_t *flags) { ENV(rm); RET(fp_to_int(FP_F32, a, 1, 32, 0, &e)); }
uint32_t fpu_f32_to_u32(uint32_t a, int rm, uint32_t *flags) { ENV(rm); RET(fp_to_int(FP_F32, a, 0, 32, 0, &e)); }
int64_t fpu_f32_to_i64(uint32_t a, int rm, uint32_t *flags) { ENV(rm); RET(fp_to_int(FP_F32, a, 1, 64, 0, &e)); }
uint64_t fpu_f32_to_u64(uint32_t a, int rm, uint32_t *flags) { ENV(rm); RET(fp_to_int(FP_F32, a, 0, 64, 0, &e)); }
uint32_t fpu_i32_to_f32(int32_t v, int rm, uint32_t *flags) { ENV(rm); RET(fp_from_int(FP_F32, (uint64_t)(int64_t)v, 1, 0, &e)); }
uint32_t fpu_u32_to_f32(uint32_t v, int rm, uint32_t *flags) { ENV(rm); RET(fp_from_int(FP_F32, v, 0, 0, &e)); }
uint32_t fpu_i64_to_f32(int64_t v, int rm, uint32_t *flags) { ENV(rm); RET(fp_from_int(FP_F32, (uint64_t)v, 1, 0, &e)); }
uint32_t fpu_u64_to_f32(uint64_t v, int rm, uint32_t *flags) { ENV(rm); RET(fp_from_int(FP_F32, v, 0, 0, &e)); }

uint64_t fpu_f32_to_f64(uint32_t a, uint32_t *flags) { ENV(FP_RNE); RET(fp_convert(FP_F32, FP_F64, a, &e)); }
uint32_t fpu_f64_to_f32(uint64_t a, int rm, uint32_t *flags) { ENV(rm); RET(fp_convert(FP_F64, FP_F32, a, &e)); }

uint64_t fpu_f64_add(uint64_t a, uint64_t b, int rm, uint32_t *flags) { ENV(rm); RET(fp_add(FP_F64, a, b, &e)); }
uint64_t fpu_f64_sub(uint64_t a, uint64_t b, int rm, uint32_t *flags) { ENV(rm); RET(fp_sub(FP_F64, a, b, &e)); }
uint64_t fpu_f64_mul(uint64_t a, uint64_t b, int rm, uint32_t *flags) { ENV(rm); RET(fp_mul(FP_F64, a, b, &e)); }
uint64_t fpu_f64_div(uint64_t a, uint64_t b, int rm, uint32_t *flags) { ENV(rm); RET(fp_div(FP_F64, a, b, &e)); }
uint64_t fpu_f64_sqrt(uint64_t a, int rm, uint32_t *flags) { ENV(rm); RET(fp_sqrt(FP_F64, a, &e)); }

uint64_t fpu_f64_muladd(uint64_t a, uint64_t b, uint64_t c, int negate_product, int negate_addend, int rm,
                        uint32_t *flags)
{
    ENV(rm);
    RET(fp_muladd(FP_F64, a, b, c, negate_product, negate_addend, &e));
}

uint64_t fpu_f64_min(uint64_t a, uint64_t b, uint32_t *flags) { ENV(0); RET(fp_minmax(FP_F64, a, b, 0, 1, &e)); }
uint64_t fpu_f64_max(uint64_t a, uint64_t b, uint32_t *flags) { ENV(0); RET(fp_minmax(FP_F64, a, b, 1, 1, &e)); }
int fpu_f64_eq(uint64_t a, uint64_t b, uint32_t *flags) { ENV(0); RET(fp_compare(FP_F64, a, b, 0, &e) == 0); }
int fpu_f64_lt(uint64_t a, uint64_t b, uint32_t *flags) { ENV(0); RET(fp_compare(FP_F64, a, b, 1, &e) == -1); }
int fpu_f64_le(uint64_t a, uint64_t b, uint32_t *flags) { ENV(0); RET(fp_compare(FP_F64, a, b, 1, &e) <= 0); }
uint32_t fpu_f64_classify(uint64_t a) { return fp_classify(FP_F64, a); }

int32_t fpu_f64_to_i32(uint64_t a, int rm, uint32_t *flags) { ENV(rm); RET(fp_to_int(FP_F64, a, 1, 32, 0, &e)); }
uint32_t fpu_f64_to_u32(uint64_t a, int rm, uint32_t *flags) { ENV(rm); RET(fp_to_int(FP_F64, a, 0, 32, 0, &e)); }
int64_t fpu_f64_to_i64(uint64_t a, int rm, uint32_t *flags) { ENV(rm); RET(fp_to_int(FP_F64, a, 1, 64, 0, &e)); }
uint64_t fpu_f64_to_u64(uint64_t a, int rm, uint32_t *flags) { ENV(rm); RET(fp_to_int(FP_F64, a, 0, 64, 0, &e)); }
uint64_t fpu_i32_to_f64(int32_t v, int rm, uint32_t *flags) { ENV(rm); RET(fp_from_int(FP_F64, (uint64_t)(int64_t)v, 1, 0, &e)); }
uint64_t fpu_u32_to_f64(uint32_t v, int rm, uint32_t *flags) { ENV(rm); RET(fp_from_int(FP_F64, v, 0, 0, &e)); }
uint64_t fpu_i64_to_f64(int64_t v, int rm, uint32_t *flags) { ENV(rm); RET(fp_from_int(FP_F64, (uint64_t)v, 1, 0, &e)); }
uint64_t fpu_u64_to_f64(uint64_t v, int rm, uint32_t *flags) { ENV(rm); RET(fp_from_int(FP_F64, v, 0, 0, &e)); }
