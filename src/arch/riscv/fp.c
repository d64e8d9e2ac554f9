/* The F and D extensions (Unprivileged Spec 20191213, chapters 11 and 12):
 * one helper decodes an FP instruction and calls the soft-float library,
 * whose results and flags are exact in every rounding mode on every host. */
#include "arch/riscv/fpu.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/helpers.h"

#define BOX32 0xffffffff00000000ull
#define CANON32 0x7fc00000u

/* A single-precision operand: NaN-boxed value, or the canonical NaN (11.2). */
static uint32_t unbox(uint64_t v) { return (v & BOX32) == BOX32 ? (uint32_t)v : CANON32; }
static uint64_t box(uint32_t v) { return BOX32 | v; }
static uint64_t sext32(uint32_t v) { return (uint64_t)(int64_t)(int32_t)v; }

/* Sign injection on a raw value with the sign bit at `sign` (11.6). */
static uint64_t sgnj(uint64_t a, uint64_t b, unsigned kind, uint64_t sign)
{
    uint64_t s = kind == 0 ? b & sign : kind == 1 ? ~b & sign : (a ^ b) & sign;
    return (a & ~sign) | s;
}

int rv_helper_fp(ir_cpu *cpu, const ir_op *op)
{
    rv_hart *h = (rv_hart *)cpu;
    uint32_t insn = op->aux;
    unsigned rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31, rs2 = (insn >> 20) & 31;
    unsigned rs3 = insn >> 27, f5 = insn >> 27, rm = (insn >> 12) & 7;
    int dbl = (insn >> 25) & 1;
    uint64_t *f = &cpu->r[IR_FREG0], *x = cpu->r;
    uint64_t a = f[rs1], b = f[rs2];
    uint32_t fl = 0;
    int drm = rm == 7 ? (int)h->frm : (int)rm; /* dynamic rounding mode */
    int uses_rm = (insn & 0x7f) != 0x53 || f5 <= 0x03 || f5 == 0x0b || f5 == 0x08 ||
                  f5 == 0x18 || f5 == 0x1a;
    if (uses_rm && drm > FPU_RMM)
        goto illegal;

    if ((insn & 0x7f) != 0x53) { /* fmadd, fmsub, fnmsub, fnmadd */
        int kind = (insn >> 2) & 3; /* 0 madd, 1 msub, 2 nmsub, 3 nmadd */
        int np = kind >= 2, na = kind & 1;
        f[rd] = dbl ? fpu_f64_muladd(a, b, f[rs3], np, na, drm, &fl)
                    : box(fpu_f32_muladd(unbox(a), unbox(b), unbox(f[rs3]), np, na, drm, &fl));
        goto done;
    }
    switch (f5) {
    case 0x00: case 0x01: case 0x02: case 0x03:
        if (dbl) {
            static uint64_t (*const op64[4])(uint64_t, uint64_t, int, uint32_t *) = {
                fpu_f64_add, fpu_f64_sub, fpu_f64_mul, fpu_f64_div};
            f[rd] = op64[f5](a, b, drm, &fl);
        } else {
            static uint32_t (*const op32[4])(uint32_t, uint32_t, int, uint32_t *) = {
                fpu_f32_add, fpu_f32_sub, fpu_f32_mul, fpu_f32_div};
            f[rd] = box(op32[f5](unbox(a), unbox(b), drm, &fl));
        }
        break;
    case 0x0b:
        f[rd] = dbl ? fpu_f64_sqrt(a, drm, &fl) : box(fpu_f32_sqrt(unbox(a), drm, &fl));
        break;
    case 0x04:
        if (rm > 2)
            goto illegal;
        f[rd] = dbl ? sgnj(a, b, rm, 1ull << 63) : box((uint32_t)sgnj(unbox(a), unbox(b), rm, 1u << 31));
        break;
    case 0x05:
        if (rm > 1)
            goto illegal;
        if (dbl)
            f[rd] = rm ? fpu_f64_max(a, b, &fl) : fpu_f64_min(a, b, &fl);
        else
            f[rd] = box(rm ? fpu_f32_max(unbox(a), unbox(b), &fl) : fpu_f32_min(unbox(a), unbox(b), &fl));
        break;
    case 0x08: /* fcvt.s.d (fmt S, rs2 = 1) and fcvt.d.s (fmt D, rs2 = 0) */
        f[rd] = dbl ? fpu_f32_to_f64(unbox(a), &fl) : box(fpu_f64_to_f32(a, drm, &fl));
        break;
    case 0x14: {
        if (rm > 2)
            goto illegal;
        uint64_t r;
        if (dbl)
            r = rm == 2 ? fpu_f64_eq(a, b, &fl) : rm == 1 ? fpu_f64_lt(a, b, &fl) : fpu_f64_le(a, b, &fl);
        else
            r = rm == 2 ? fpu_f32_eq(unbox(a), unbox(b), &fl)
                : rm == 1 ? fpu_f32_lt(unbox(a), unbox(b), &fl) : fpu_f32_le(unbox(a), unbox(b), &fl);
        if (rd)
            x[rd] = r;
        break;
    }
    case 0x18: { /* fcvt.{w,wu,l,lu}.{s,d} */
        uint64_t r;
        if (dbl) {
            switch (rs2) {
            case 0: r = sext32((uint32_t)fpu_f64_to_i32(a, drm, &fl)); break;
            case 1: r = sext32(fpu_f64_to_u32(a, drm, &fl)); break;
            case 2: r = (uint64_t)fpu_f64_to_i64(a, drm, &fl); break;
            default: r = fpu_f64_to_u64(a, drm, &fl); break;
            }
        } else {
            uint32_t s = unbox(a);
            switch (rs2) {
            case 0: r = sext32((uint32_t)fpu_f32_to_i32(s, drm, &fl)); break;
            case 1: r = sext32(fpu_f32_to_u32(s, drm, &fl)); break;
            case 2: r = (uint64_t)fpu_f32_to_i64(s, drm, &fl); break;
            default: r = fpu_f32_to_u64(s, drm, &fl); break;
            }
        }
        if (rd)
            x[rd] = r;
        break;
    }
    case 0x1a: { /* fcvt.{s,d}.{w,wu,l,lu} */
        uint64_t v = x[rs1];
        if (dbl) {
            switch (rs2) {
            case 0: f[rd] = fpu_i32_to_f64((int32_t)v, drm, &fl); break;
            case 1: f[rd] = fpu_u32_to_f64((uint32_t)v, drm, &fl); break;
            case 2: f[rd] = fpu_i64_to_f64((int64_t)v, drm, &fl); break;
            default: f[rd] = fpu_u64_to_f64(v, drm, &fl); break;
            }
        } else {
            switch (rs2) {
            case 0: f[rd] = box(fpu_i32_to_f32((int32_t)v, drm, &fl)); break;
            case 1: f[rd] = box(fpu_u32_to_f32((uint32_t)v, drm, &fl)); break;
            case 2: f[rd] = box(fpu_i64_to_f32((int64_t)v, drm, &fl)); break;
            default: f[rd] = box(fpu_u64_to_f32(v, drm, &fl)); break;
            }
        }
        break;
    }
    case 0x1c: { /* fmv.x.{w,d} (rm 0) and fclass (rm 1) */
        uint64_t r;
        if (rm == 0)
            r = dbl ? a : sext32((uint32_t)a);
        else if (rm == 1)
            r = dbl ? fpu_f64_classify(a) : fpu_f32_classify(unbox(a));
        else
            goto illegal;
        if (rd)
            x[rd] = r;
        break;
    }
    case 0x1e: /* fmv.{w,d}.x */
        f[rd] = dbl ? x[rs1] : box((uint32_t)x[rs1]);
        break;
    default:
        goto illegal;
    }
done:
    h->fflags |= fl;
    return IR_OK;
illegal:
    return rv_trap(h, CAUSE_ILLEGAL, insn, rv_op_pc(cpu, op));
}
