/*
 * fpu_test.c - tests for the soft-float library (src/fp/softfp.c through
 * its RISC-V API, src/arch/riscv/fpu.c).
 *
 * Native (x86-64) run: every operation is compared bit-exactly, flags
 * included, against the host SSE/FMA unit in the four rounding modes the
 * host has (RNE, RTZ, RDN, RUP) over hand-picked edge values and random
 * inputs.  Host NaN results are replaced by the RISC-V canonical NaN, and
 * the few places where RISC-V defines a result the host cannot produce are
 * computed from the spec (see "RISC-V fixups" below).  RMM (no host
 * equivalent) uses the host RNE result except at exact ties, detected
 * exactly with __float128 arithmetic, where the RTZ result's away-from-zero
 * neighbour is taken.  A table of hand-computed cases is checked as well.
 *
 * WebAssembly (or any non-x86 host) run: the hand-computed cases, a vector
 * file of host-derived expectations written by the native run, and a digest
 * of the library's results over the complete generated input stream (the
 * generators use integer arithmetic only), which must equal the digest the
 * native run printed.
 *
 * Usage: fpu_test [--count N] [--seed S] [--write FILE [--sample K]] [-v]
 *        fpu_test --read FILE [--digest HEX [--count N] [--seed S]]
 * Exit status 0 on success; the last output line is "N passed, N failed".
 *
 * Native:  gcc -std=c11 -O2 -Wall -Wextra -Werror -Isrc tests/unit/fpu_test.c
 *              src/arch/riscv/fpu.c src/fp/softfp.c -lm -o /tmp/fpu_test
 *          /tmp/fpu_test --write /tmp/fpu_vectors.bin --sample 32
 * Wasm:    emcc -std=c11 -O2 -Wall -Wextra -Werror -Isrc tests/unit/fpu_test.c
 *              src/arch/riscv/fpu.c src/fp/softfp.c -sNODERAWFS=1 -sSINGLE_FILE=1 -o /tmp/fpu_test.js
 *          node /tmp/fpu_test.js --read /tmp/fpu_vectors.bin --digest <native digest>
 * (SINGLE_FILE avoids Emscripten 3.1.6 trying to fetch() the .wasm on
 * Node >= 18; NODERAWFS gives access to the vector file.)
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/riscv/fpu.h"

#if defined(__x86_64__) && defined(__SSE2_MATH__) && !defined(__EMSCRIPTEN__)
#define HOST_FPU 1
#include <fenv.h>
#include <math.h>
#else
#define HOST_FPU 0
#endif

/* ---------------------------------------------------------------------- */
/* Operation table                                                         */
/* ---------------------------------------------------------------------- */

enum { K_BIN, K_SQRT, K_FMA, K_MINMAX, K_CMP, K_CLASS, K_F2I, K_I2F, K_F2F };

#define OPS_FOR(P, p, N)                                                                    \
    X(P##_ADD, p "_add", N, K_BIN, 0) X(P##_SUB, p "_sub", N, K_BIN, 1)                \
    X(P##_MUL, p "_mul", N, K_BIN, 2) X(P##_DIV, p "_div", N, K_BIN, 3)                \
    X(P##_SQRT, p "_sqrt", N, K_SQRT, 0)                                                \
    X(P##_MADD, p "_madd", N, K_FMA, 0) X(P##_MSUB, p "_msub", N, K_FMA, 1)            \
    X(P##_NMSUB, p "_nmsub", N, K_FMA, 2) X(P##_NMADD, p "_nmadd", N, K_FMA, 3)        \
    X(P##_MIN, p "_min", N, K_MINMAX, 0) X(P##_MAX, p "_max", N, K_MINMAX, 1)          \
    X(P##_EQ, p "_eq", N, K_CMP, 0) X(P##_LT, p "_lt", N, K_CMP, 1)                    \
    X(P##_LE, p "_le", N, K_CMP, 2) X(P##_CLASS, p "_classify", N, K_CLASS, 0)         \
    X(P##_TO_I32, p "_to_i32", N, K_F2I, 0) X(P##_TO_U32, p "_to_u32", N, K_F2I, 1)    \
    X(P##_TO_I64, p "_to_i64", N, K_F2I, 2) X(P##_TO_U64, p "_to_u64", N, K_F2I, 3)    \
    X(I32_TO_##P, "i32_to_" p, N, K_I2F, 0) X(U32_TO_##P, "u32_to_" p, N, K_I2F, 1)    \
    X(I64_TO_##P, "i64_to_" p, N, K_I2F, 2) X(U64_TO_##P, "u64_to_" p, N, K_I2F, 3)

#define ALL_OPS                                                                          \
    OPS_FOR(F32, "f32", 32)                                                                     \
    X(F32_TO_F64, "f32_to_f64", 32, K_F2F, 0)                                            \
    OPS_FOR(F64, "f64", 64)                                                                     \
    X(F64_TO_F32, "f64_to_f32", 64, K_F2F, 0)

enum {
#define X(id, name, fmt, kind, sub) OP_##id,
    ALL_OPS
#undef X
    NUM_OPS
};

typedef struct {
    const char *name;
    int fmt; /* operand format (I2F: result format) */
    int kind;
    int sub;
} opinfo_t;

static const opinfo_t OPS[NUM_OPS] = {
#define X(id, name, fmt, kind, sub) { name, fmt, kind, sub },
    ALL_OPS
#undef X
};

/* Format of a floating-point result, or 0 for an integer result. */
static int res_fmt(int op)
{
    const opinfo_t *o = &OPS[op];
    switch (o->kind) {
    case K_CMP: case K_CLASS: case K_F2I: return 0;
    case K_F2F: return o->fmt == 32 ? 64 : 32;
    default: return o->fmt;
    }
}

static int uses_rm(int op)
{
    const opinfo_t *o = &OPS[op];
    return !(o->kind == K_MINMAX || o->kind == K_CMP || o->kind == K_CLASS ||
             (o->kind == K_F2F && o->fmt == 32));
}

static const char *RM_NAME[5] = { "rne", "rtz", "rdn", "rup", "rmm" };

/* ---------------------------------------------------------------------- */
/* Library dispatch                                                        */
/* ---------------------------------------------------------------------- */

static uint64_t lib_run(int op, int rm, uint64_t a, uint64_t b, uint64_t c, uint32_t *fl)
{
    const opinfo_t *o = &OPS[op];
    int s = o->sub;
    if (o->fmt == 32 && o->kind != K_I2F) {
        uint32_t x = (uint32_t)a, y = (uint32_t)b, z = (uint32_t)c;
        switch (o->kind) {
        case K_BIN:
            return s == 0 ? fpu_f32_add(x, y, rm, fl) : s == 1 ? fpu_f32_sub(x, y, rm, fl)
                 : s == 2 ? fpu_f32_mul(x, y, rm, fl) : fpu_f32_div(x, y, rm, fl);
        case K_SQRT: return fpu_f32_sqrt(x, rm, fl);
        case K_FMA: return fpu_f32_muladd(x, y, z, s >> 1, s & 1, rm, fl);
        case K_MINMAX: return s ? fpu_f32_max(x, y, fl) : fpu_f32_min(x, y, fl);
        case K_CMP:
            return (uint64_t)(s == 0 ? fpu_f32_eq(x, y, fl) : s == 1 ? fpu_f32_lt(x, y, fl)
                                                                   : fpu_f32_le(x, y, fl));
        case K_CLASS: return fpu_f32_classify(x);
        case K_F2I:
            return s == 0 ? (uint64_t)(int64_t)fpu_f32_to_i32(x, rm, fl)
                 : s == 1 ? (uint64_t)fpu_f32_to_u32(x, rm, fl)
                 : s == 2 ? (uint64_t)fpu_f32_to_i64(x, rm, fl) : fpu_f32_to_u64(x, rm, fl);
        default: return fpu_f32_to_f64(x, fl);
        }
    }
    if (o->kind == K_I2F) {
        if (o->fmt == 32)
            return s == 0 ? fpu_i32_to_f32((int32_t)a, rm, fl)
                 : s == 1 ? fpu_u32_to_f32((uint32_t)a, rm, fl)
                 : s == 2 ? fpu_i64_to_f32((int64_t)a, rm, fl) : fpu_u64_to_f32(a, rm, fl);
        return s == 0 ? fpu_i32_to_f64((int32_t)a, rm, fl)
             : s == 1 ? fpu_u32_to_f64((uint32_t)a, rm, fl)
             : s == 2 ? fpu_i64_to_f64((int64_t)a, rm, fl) : fpu_u64_to_f64(a, rm, fl);
    }
    switch (o->kind) {
    case K_BIN:
        return s == 0 ? fpu_f64_add(a, b, rm, fl) : s == 1 ? fpu_f64_sub(a, b, rm, fl)
             : s == 2 ? fpu_f64_mul(a, b, rm, fl) : fpu_f64_div(a, b, rm, fl);
    case K_SQRT: return fpu_f64_sqrt(a, rm, fl);
    case K_FMA: return fpu_f64_muladd(a, b, c, s >> 1, s & 1, rm, fl);
    case K_MINMAX: return s ? fpu_f64_max(a, b, fl) : fpu_f64_min(a, b, fl);
    case K_CMP:
        return (uint64_t)(s == 0 ? fpu_f64_eq(a, b, fl) : s == 1 ? fpu_f64_lt(a, b, fl)
                                                               : fpu_f64_le(a, b, fl));
    case K_CLASS: return fpu_f64_classify(a);
    case K_F2I:
        return s == 0 ? (uint64_t)(int64_t)fpu_f64_to_i32(a, rm, fl)
             : s == 1 ? (uint64_t)fpu_f64_to_u32(a, rm, fl)
             : s == 2 ? (uint64_t)fpu_f64_to_i64(a, rm, fl) : fpu_f64_to_u64(a, rm, fl);
    default: return fpu_f64_to_f32(a, rm, fl);
    }
}

/* ---------------------------------------------------------------------- */
/* Result bookkeeping                                                      */
/* ---------------------------------------------------------------------- */

typedef struct {
    uint64_t r;
    uint32_t fl;
} res_t;

static long g_count[NUM_OPS][5], g_fail[NUM_OPS][5];
static long g_hand_pass, g_hand_fail;
static int g_verbose;
static FILE *g_vec_out;
static int g_vec_sample = 1; /* write every Nth random case to the vector file */
static uint64_t g_seed = 0x2545f4914f6cdd1dull;

typedef struct {
    uint8_t op, rm, fl, pad[5];
    uint64_t a, b, c, r;
} vec_t;

static void flags_str(uint32_t fl, char *buf)
{
    sprintf(buf, "%s%s%s%s%s", fl & FPU_NV ? "NV" : "", fl & FPU_DZ ? "DZ" : "",
            fl & FPU_OF ? "OF" : "", fl & FPU_UF ? "UF" : "", fl & FPU_NX ? "NX" : "");
    if (!*buf)
        strcpy(buf, "-");
}

/* Record a library result against the expected one; returns 1 if equal. */
static int compare_result(int op, int rm, uint64_t a, uint64_t b, uint64_t c, uint64_t got,
                          uint32_t fl, res_t exp, const char *what)
{
    int ok = got == exp.r && fl == exp.fl;

    g_count[op][rm]++;
    if (!ok) {
        g_fail[op][rm]++;
        if (g_fail[op][rm] <= 8 || g_verbose) {
            char f1[16], f2[16];
            flags_str(fl, f1);
            flags_str(exp.fl, f2);
            printf("FAIL %-14s %s %s a=%016" PRIx64 " b=%016" PRIx64 " c=%016" PRIx64
                   ": got %016" PRIx64 " %-6s expected %016" PRIx64 " %s\n",
                   OPS[op].name, RM_NAME[rm], what, a, b, c, got, f1, exp.r, f2);
        }
    }
    return ok;
}

/* Run the library on one case and compare with an expected result. */
static int check_expect(int op, int rm, uint64_t a, uint64_t b, uint64_t c, res_t exp,
                        const char *what)
{
    uint32_t fl = 0;
    uint64_t got = lib_run(op, rm, a, b, c, &fl);
    return compare_result(op, rm, a, b, c, got, fl, exp, what);
}

/* ---------------------------------------------------------------------- */
/* Hand-computed cases (all platforms)                                    */
/* ---------------------------------------------------------------------- */

#define NX FPU_NX
#define UF FPU_UF
#define OF FPU_OF
#define DZ FPU_DZ
#define NV FPU_NV
#define RNE FPU_RNE
#define RTZ FPU_RTZ
#define RDN FPU_RDN
#define RUP FPU_RUP
#define RMM FPU_RMM
#define CN32 0x7fc00000ull
#define CN64 0x7ff8000000000000ull

typedef struct {
    int op, rm;
    uint64_t a, b, c, r;
    uint32_t fl;
} hand_t;

static const hand_t HAND[] = {
    /* --- RMM (no host equivalent): ties round away from zero --- */
    { OP_F32_ADD, RMM, 0x3f800000, 0x33800000, 0, 0x3f800001, NX },   /* 1 + 2^-24 */
    { OP_F32_ADD, RNE, 0x3f800000, 0x33800000, 0, 0x3f800000, NX },
    { OP_F32_ADD, RMM, 0xbf800000, 0xb3800000, 0, 0xbf800001, NX },   /* -1 - 2^-24 */
    { OP_F32_ADD, RMM, 0x3f800001, 0x33800000, 0, 0x3f800002, NX },   /* odd lsb tie */
    { OP_F32_ADD, RMM, 0x3f800000, 0x33000000, 0, 0x3f800000, NX },   /* below tie */
    { OP_F32_ADD, RMM, 0x3f800000, 0x33800001, 0, 0x3f800001, NX },   /* above tie */
    { OP_F32_SUB, RMM, 0x3f800000, 0x3f800000, 0, 0x00000000, 0 },    /* x - x = +0 */
    { OP_F32_ADD, RMM, 0x7f7fffff, 0x73000000, 0, 0x7f800000, OF | NX }, /* max + ulp/2 */
    { OP_F32_ADD, RMM, 0x7f7fffff, 0x72ffffff, 0, 0x7f7fffff, NX },
    { OP_F32_ADD, RMM, 0xff7fffff, 0xf3000000, 0, 0xff800000, OF | NX },
    { OP_F32_MUL, RMM, 0x00000001, 0x3f000000, 0, 0x00000001, UF | NX }, /* 2^-150 -> 2^-149 */
    { OP_F32_MUL, RNE, 0x00000001, 0x3f000000, 0, 0x00000000, UF | NX },
    { OP_F32_MUL, RMM, 0x80000001, 0x3f000000, 0, 0x80000001, UF | NX },
    { OP_F32_MUL, RMM, 0x00000005, 0x3f000000, 0, 0x00000003, UF | NX }, /* 2.5 ulp -> 3 */
    { OP_F32_MUL, RNE, 0x00000005, 0x3f000000, 0, 0x00000002, UF | NX },
    { OP_F32_MUL, RMM, 0x00000001, 0x3effffff, 0, 0x00000000, UF | NX }, /* just below tie */
    /* (2^-126)(1 - 2^-24) is exact at unbounded precision, so tiny: UF. */
    { OP_F32_MUL, RMM, 0x00ffffff, 0x3f000000, 0, 0x00800000, UF | NX },
    { OP_F32_MUL, RTZ, 0x00ffffff, 0x3f000000, 0, 0x007fffff, UF | NX },
    { OP_F32_MUL, RMM, 0x3fc00000, 0x3fc00000, 0, 0x40100000, 0 },    /* exact 2.25 */
    { OP_F32_DIV, RMM, 0x00000003, 0x40000000, 0, 0x00000002, UF | NX }, /* 1.5 ulp -> 2 */
    { OP_F32_DIV, RMM, 0x00000001, 0x40000000, 0, 0x00000001, UF | NX }, /* 0.5 ulp -> 1 */
    { OP_F32_DIV, RMM, 0x3f800000, 0x40400000, 0, 0x3eaaaaab, NX },   /* 1/3 */
    { OP_F32_DIV, RMM, 0x3f800000, 0x00000000, 0, 0x7f800000, DZ },
    { OP_F32_SQRT, RMM, 0x40000000, 0, 0, 0x3fb504f3, NX },           /* sqrt 2 */
    { OP_F32_SQRT, RMM, 0x40800000, 0, 0, 0x40000000, 0 },
    { OP_F32_MADD, RMM, 0x3f800000, 0x3f800000, 0x33800000, 0x3f800001, NX },
    { OP_F32_NMADD, RMM, 0x3f800000, 0x3f800000, 0x33800000, 0xbf800001, NX },
    { OP_F32_MSUB, RMM, 0x3f800000, 0x3f800000, 0x3f800000, 0x00000000, 0 },
    { OP_F32_NMSUB, RMM, 0x3f800000, 0x3f800000, 0x3f800000, 0x00000000, 0 },
    { OP_F32_TO_I32, RMM, 0x40200000, 0, 0, 3, NX },                     /* 2.5 -> 3 */
    { OP_F32_TO_I32, RMM, 0xc0200000, 0, 0, (uint64_t)-3, NX },          /* -2.5 -> -3 */
    { OP_F32_TO_I32, RMM, 0x3f000000, 0, 0, 1, NX },                     /* 0.5 -> 1 */
    { OP_F32_TO_I32, RMM, 0xbf000000, 0, 0, (uint64_t)-1, NX },
    { OP_F32_TO_I32, RMM, 0x3effffff, 0, 0, 0, NX },
    { OP_F32_TO_I32, RMM, 0x3fc00000, 0, 0, 2, NX },                     /* 1.5 -> 2 */
    { OP_F32_TO_U32, RMM, 0xbf000000, 0, 0, 0, NV },                     /* -0.5 -> -1 */
    { OP_F32_TO_U32, RMM, 0xbeffffff, 0, 0, 0, NX },
    { OP_F32_TO_U32, RMM, 0x4f7fffff, 0, 0, 0xffffff00, 0 },
    { OP_F32_TO_I64, RMM, 0xbfc00000, 0, 0, (uint64_t)-2, NX },
    { OP_F32_TO_U64, RMM, 0x5f800000, 0, 0, UINT64_MAX, NV },
    { OP_F64_TO_I32, RMM, 0x41dfffffffe00000, 0, 0, 0x7fffffff, NV },    /* 2^31-0.5 */
    { OP_F64_TO_I32, RTZ, 0x41dfffffffe00000, 0, 0, 0x7fffffff, NX },
    { OP_F64_TO_I32, RMM, 0xc1e0000000100000, 0, 0, (uint64_t)(int64_t)INT32_MIN, NV },
    { OP_F64_TO_I32, RNE, 0xc1e0000000100000, 0, 0, (uint64_t)(int64_t)INT32_MIN, NX },
    { OP_F64_TO_U32, RMM, 0x41effffffff00000, 0, 0, 0xffffffff, NV },    /* 2^32-0.5 */
    { OP_F64_TO_U32, RDN, 0x41effffffff00000, 0, 0, 0xffffffff, NX },
    { OP_F64_TO_I64, RMM, 0x4004000000000000, 0, 0, 3, NX },             /* 2.5 */
    { OP_F64_TO_U64, RMM, 0x43efffffffffffff, 0, 0, 0xfffffffffffff800, 0 },
    { OP_F64_ADD, RMM, 0x3ff0000000000000, 0x3ca0000000000000, 0, 0x3ff0000000000001, NX },
    { OP_F64_ADD, RNE, 0x3ff0000000000000, 0x3ca0000000000000, 0, 0x3ff0000000000000, NX },
    { OP_F64_MUL, RMM, 0x0000000000000001, 0x3fe0000000000000, 0, 0x0000000000000001, UF | NX },
    { OP_F64_MUL, RMM, 0x001fffffffffffff, 0x3fe0000000000000, 0, 0x0010000000000000, UF | NX },
    { OP_F64_MUL, RMM, 0x7fefffffffffffff, 0x4000000000000000, 0, 0x7ff0000000000000, OF | NX },
    { OP_F64_MADD, RMM, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000,
      0x3ff0000000000001, NX },
    { OP_F64_SQRT, RMM, 0x4000000000000000, 0, 0, 0x3ff6a09e667f3bcd, NX },
    { OP_F64_TO_F32, RMM, 0x3ff0000010000000, 0, 0, 0x3f800001, NX },   /* 1 + 2^-24 */
    { OP_F64_TO_F32, RNE, 0x3ff0000010000000, 0, 0, 0x3f800000, NX },
    { OP_F64_TO_F32, RMM, 0x3690000000000000, 0, 0, 0x00000001, UF | NX }, /* 2^-150 */
    { OP_F64_TO_F32, RMM, 0x47effffff0000000, 0, 0, 0x7f800000, OF | NX }, /* max+ulp/2 */
    { OP_I32_TO_F32, RMM, 16777217, 0, 0, 0x4b800001, NX },             /* 2^24+1 */
    { OP_I32_TO_F32, RNE, 16777217, 0, 0, 0x4b800000, NX },
    { OP_I32_TO_F32, RMM, (uint64_t)-16777217, 0, 0, 0xcb800001, NX },
    { OP_U32_TO_F32, RMM, 0xffffff80, 0, 0, 0x4f800000, NX },           /* tie -> 2^32 */
    { OP_U32_TO_F32, RNE, 0xffffff7f, 0, 0, 0x4f7fffff, NX },
    { OP_I64_TO_F64, RMM, 0x0020000000000001, 0, 0, 0x4340000000000001, NX }, /* 2^53+1 */
    { OP_I64_TO_F64, RNE, 0x0020000000000001, 0, 0, 0x4340000000000000, NX },
    { OP_U64_TO_F64, RMM, UINT64_MAX, 0, 0, 0x43f0000000000000, NX },
    { OP_U64_TO_F32, RMM, 0x8000008000000000, 0, 0, 0x5f000001, NX },
    { OP_I32_TO_F64, RMM, (uint64_t)(int64_t)INT32_MIN, 0, 0, 0xc1e0000000000000, 0 },

    /* --- RISC-V specific semantics (11.3, 11.6-11.9) --- */
    /* fused multiply-add: NV for inf*0 even with a quiet NaN addend */
    { OP_F32_MADD, RNE, 0x7f800000, 0x00000000, 0x7fc00000, CN32, NV },
    { OP_F32_MADD, RNE, 0x00000000, 0xff800000, 0x7fc12345, CN32, NV },
    { OP_F64_NMADD, RUP, 0x7ff0000000000000, 0x8000000000000000, 0x7ff8000000000001, CN64, NV },
    { OP_F32_MADD, RNE, 0x7fc00000, 0x3f800000, 0x3f800000, CN32, 0 },
    { OP_F32_MADD, RNE, 0x7f800000, 0x3f800000, 0xff800000, CN32, NV },   /* inf - inf */
    { OP_F32_MSUB, RNE, 0x7f800000, 0x3f800000, 0x7f800000, CN32, NV },
    { OP_F32_NMSUB, RNE, 0x7f800000, 0x3f800000, 0x7f800000, CN32, NV },
    { OP_F32_NMSUB, RNE, 0x7f800000, 0x3f800000, 0xff800000, 0xff800000, 0 },
    { OP_F32_NMADD, RNE, 0x7f800000, 0x3f800000, 0xff800000, CN32, NV },
    { OP_F64_MSUB, RNE, 0xfff0000000000000, 0x3ff0000000000000, 0x7ff0000000000000, 0xfff0000000000000, 0 },
    /* signs of exact zeros: fnmadd = -(a*b) - c */
    { OP_F32_NMADD, RNE, 0x00000000, 0x3f800000, 0x00000000, 0x80000000, 0 },
    { OP_F32_MADD, RNE, 0x00000000, 0xbf800000, 0x00000000, 0x00000000, 0 },
    { OP_F32_MADD, RDN, 0x00000000, 0xbf800000, 0x00000000, 0x80000000, 0 },
    { OP_F32_MADD, RDN, 0x3f800000, 0x3f800000, 0xbf800000, 0x80000000, 0 },
    { OP_F32_NMADD, RNE, 0x3f800000, 0x3f800000, 0xbf800000, 0x00000000, 0 },
    { OP_F64_MADD, RNE, 0x0000000000000001, 0x0000000000000001, 0x8000000000000000,
      0x0000000000000000, UF | NX },
    { OP_F64_MADD, RUP, 0x0000000000000001, 0x0000000000000001, 0x8000000000000000,
      0x0000000000000001, UF | NX },
    { OP_F64_MADD, RNE, 0x8000000000000001, 0x0000000000000001, 0x0000000000000000,
      0x8000000000000000, UF | NX },
    /* x + (-x) = +0, -0 in RDN */
    { OP_F32_ADD, RNE, 0x3f800000, 0xbf800000, 0, 0x00000000, 0 },
    { OP_F32_ADD, RDN, 0x3f800000, 0xbf800000, 0, 0x80000000, 0 },
    { OP_F32_SUB, RDN, 0x00000000, 0x00000000, 0, 0x80000000, 0 },
    { OP_F32_SUB, RNE, 0x80000000, 0x80000000, 0, 0x00000000, 0 },
    { OP_F64_ADD, RUP, 0x8000000000000000, 0x8000000000000000, 0, 0x8000000000000000, 0 },
    /* canonical NaN results, NV only for signaling NaN */
    { OP_F32_ADD, RNE, 0x7fc12345, 0x3f800000, 0, CN32, 0 },
    { OP_F32_ADD, RNE, 0x7f812345, 0x3f800000, 0, CN32, NV },
    { OP_F32_ADD, RNE, 0xff800000, 0x7f800000, 0, CN32, NV },
    { OP_F32_MUL, RNE, 0x7f800000, 0x80000000, 0, CN32, NV },
    { OP_F32_DIV, RNE, 0x00000000, 0x80000000, 0, CN32, NV },
    { OP_F32_DIV, RNE, 0xff800000, 0x7f800000, 0, CN32, NV },
    { OP_F32_DIV, RNE, 0xbf800000, 0x00000000, 0, 0xff800000, DZ },
    { OP_F32_DIV, RNE, 0x00000001, 0x7f800000, 0, 0x00000000, 0 },
    { OP_F64_DIV, RNE, 0x7ff0000000000000, 0x0000000000000000, 0, 0x7ff0000000000000, 0 },
    { OP_F32_SQRT, RNE, 0x80000000, 0, 0, 0x80000000, 0 },
    { OP_F32_SQRT, RNE, 0xbf800000, 0, 0, CN32, NV },
    { OP_F32_SQRT, RNE, 0xff800000, 0, 0, CN32, NV },
    { OP_F32_SQRT, RNE, 0x80000001, 0, 0, CN32, NV },
    { OP_F32_SQRT, RNE, 0x7f800000, 0, 0, 0x7f800000, 0 },
    { OP_F32_SQRT, RNE, 0x00000001, 0, 0, 0x1a3504f3, NX },
    { OP_F64_SQRT, RNE, 0xfff8000000000000, 0, 0, CN64, 0 },
    { OP_F64_SQRT, RNE, 0x7ff0000000000001, 0, 0, CN64, NV },
    { OP_F32_TO_F64, RNE, 0x7fc12345, 0, 0, CN64, 0 },
    { OP_F32_TO_F64, RNE, 0xff800001, 0, 0, CN64, NV },
    { OP_F32_TO_F64, RNE, 0x00000001, 0, 0, 0x36a0000000000000, 0 },
    { OP_F64_TO_F32, RNE, 0x7ff0000000000001, 0, 0, CN32, NV },
    { OP_F64_TO_F32, RNE, 0xfff8000000000000, 0, 0, CN32, 0 },
    /* fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber) */
    { OP_F32_MIN, RNE, 0x80000000, 0x00000000, 0, 0x80000000, 0 },
    { OP_F32_MIN, RNE, 0x00000000, 0x80000000, 0, 0x80000000, 0 },
    { OP_F32_MAX, RNE, 0x80000000, 0x00000000, 0, 0x00000000, 0 },
    { OP_F32_MAX, RNE, 0x00000000, 0x80000000, 0, 0x00000000, 0 },
    { OP_F32_MIN, RNE, 0x7fc00000, 0x3f800000, 0, 0x3f800000, 0 },
    { OP_F32_MIN, RNE, 0x3f800000, 0xffc00001, 0, 0x3f800000, 0 },
    { OP_F32_MIN, RNE, 0x7f800001, 0x3f800000, 0, 0x3f800000, NV },
    { OP_F32_MAX, RNE, 0x3f800000, 0x7fa00000, 0, 0x3f800000, NV },
    { OP_F32_MAX, RNE, 0x7fc00001, 0x7f800001, 0, CN32, NV },
    { OP_F32_MAX, RNE, 0x7fc00001, 0xffc00000, 0, CN32, 0 },
    { OP_F32_MIN, RNE, 0xff800000, 0x7f7fffff, 0, 0xff800000, 0 },
    { OP_F32_MAX, RNE, 0xbf800000, 0xc0000000, 0, 0xbf800000, 0 },
    { OP_F64_MIN, RNE, 0x8000000000000000, 0x0000000000000000, 0, 0x8000000000000000, 0 },
    { OP_F64_MAX, RNE, 0x7ff4000000000000, 0xfff8000000000000, 0, CN64, NV },
    { OP_F64_MIN, RNE, 0x0000000000000001, 0x8000000000000001, 0, 0x8000000000000001, 0 },
    /* compares: feq quiet, flt/fle signaling */
    { OP_F32_EQ, RNE, 0x7fc00000, 0x7fc00000, 0, 0, 0 },
    { OP_F32_EQ, RNE, 0x7f800001, 0x3f800000, 0, 0, NV },
    { OP_F32_EQ, RNE, 0x80000000, 0x00000000, 0, 1, 0 },
    { OP_F32_LT, RNE, 0x7fc00000, 0x3f800000, 0, 0, NV },
    { OP_F32_LE, RNE, 0x3f800000, 0xffc00000, 0, 0, NV },
    { OP_F32_LT, RNE, 0x80000000, 0x00000000, 0, 0, 0 },
    { OP_F32_LE, RNE, 0x80000000, 0x00000000, 0, 1, 0 },
    { OP_F32_LT, RNE, 0xff800000, 0x80000001, 0, 1, 0 },
    { OP_F32_LT, RNE, 0xbf800000, 0xbf800001, 0, 0, 0 },
    { OP_F64_LE, RNE, 0x7ff4000000000000, 0x7ff4000000000000, 0, 0, NV },
    { OP_F64_EQ, RNE, 0x7ff8000000000000, 0x7ff8000000000000, 0, 0, 0 },
    { OP_F64_LT, RNE, 0xfff0000000000000, 0x7ff0000000000000, 0, 1, 0 },
    /* fclass */
    { OP_F32_CLASS, RNE, 0xff800000, 0, 0, 1 << 0, 0 },
    { OP_F32_CLASS, RNE, 0xbf800000, 0, 0, 1 << 1, 0 },
    { OP_F32_CLASS, RNE, 0x807fffff, 0, 0, 1 << 2, 0 },
    { OP_F32_CLASS, RNE, 0x80000000, 0, 0, 1 << 3, 0 },
    { OP_F32_CLASS, RNE, 0x00000000, 0, 0, 1 << 4, 0 },
    { OP_F32_CLASS, RNE, 0x00000001, 0, 0, 1 << 5, 0 },
    { OP_F32_CLASS, RNE, 0x00800000, 0, 0, 1 << 6, 0 },
    { OP_F32_CLASS, RNE, 0x7f800000, 0, 0, 1 << 7, 0 },
    { OP_F32_CLASS, RNE, 0x7fbfffff, 0, 0, 1 << 8, 0 },
    { OP_F32_CLASS, RNE, 0xffc00000, 0, 0, 1 << 9, 0 },
    { OP_F64_CLASS, RNE, 0x8000000000000001, 0, 0, 1 << 2, 0 },
    { OP_F64_CLASS, RNE, 0x7ff0000000000001, 0, 0, 1 << 8, 0 },
    { OP_F64_CLASS, RNE, 0x7ff8000000000000, 0, 0, 1 << 9, 0 },
    { OP_F64_CLASS, RNE, 0xffefffffffffffff, 0, 0, 1 << 1, 0 },
    /* fcvt to integer: saturation (11.7) */
    { OP_F32_TO_I32, RNE, 0x7fc00000, 0, 0, 0x7fffffff, NV },
    { OP_F32_TO_I32, RNE, 0xffc00000, 0, 0, 0x7fffffff, NV },
    { OP_F32_TO_I32, RNE, 0x7f800000, 0, 0, 0x7fffffff, NV },
    { OP_F32_TO_I32, RNE, 0xff800000, 0, 0, (uint64_t)(int64_t)INT32_MIN, NV },
    { OP_F32_TO_I32, RNE, 0x4f000000, 0, 0, 0x7fffffff, NV },
    { OP_F32_TO_I32, RNE, 0xcf000000, 0, 0, (uint64_t)(int64_t)INT32_MIN, 0 },
    { OP_F32_TO_I32, RNE, 0xcf000001, 0, 0, (uint64_t)(int64_t)INT32_MIN, NV },
    { OP_F32_TO_U32, RNE, 0xffc00000, 0, 0, 0xffffffff, NV },
    { OP_F32_TO_U32, RNE, 0xbf800000, 0, 0, 0, NV },
    { OP_F32_TO_U32, RTZ, 0xbf7fffff, 0, 0, 0, NX },
    { OP_F32_TO_U32, RUP, 0xbf7fffff, 0, 0, 0, NX },
    { OP_F32_TO_U32, RDN, 0xbf7fffff, 0, 0, 0, NV },
    { OP_F32_TO_U32, RNE, 0x80000000, 0, 0, 0, 0 },
    { OP_F32_TO_U32, RNE, 0x4f800000, 0, 0, 0xffffffff, NV },
    { OP_F32_TO_U32, RNE, 0xff800000, 0, 0, 0, NV },
    { OP_F32_TO_I64, RNE, 0x7fa00000, 0, 0, INT64_MAX, NV },
    { OP_F32_TO_I64, RNE, 0xff800000, 0, 0, (uint64_t)INT64_MIN, NV },
    { OP_F32_TO_I64, RNE, 0xdf000000, 0, 0, (uint64_t)INT64_MIN, 0 },
    { OP_F32_TO_I64, RNE, 0x5f000000, 0, 0, INT64_MAX, NV },
    { OP_F32_TO_U64, RNE, 0x7fc00000, 0, 0, UINT64_MAX, NV },
    { OP_F32_TO_U64, RNE, 0x5f7fffff, 0, 0, 0xffffff0000000000, 0 },
    { OP_F32_TO_U64, RNE, 0xbf000000, 0, 0, 0, NX },                     /* -0.5 -> -0 */
    { OP_F32_TO_U64, RNE, 0xbfc00000, 0, 0, 0, NV },                     /* -1.5 -> -2 */
    { OP_F64_TO_I32, RNE, 0xc1e0000000000000, 0, 0, (uint64_t)(int64_t)INT32_MIN, 0 },
    { OP_F64_TO_I32, RNE, 0x41dfffffffc00000, 0, 0, 0x7fffffff, 0 },
    { OP_F64_TO_I32, RNE, 0x41dfffffffe00000, 0, 0, 0x7fffffff, NV },    /* rounds to 2^31 */
    { OP_F64_TO_I32, RTZ, 0x41dfffffffffffff, 0, 0, 0x7fffffff, NX },
    { OP_F64_TO_I32, RNE, 0x3fe0000000000000, 0, 0, 0, NX },             /* 0.5 -> 0 */
    { OP_F64_TO_I32, RNE, 0x3ff8000000000000, 0, 0, 2, NX },             /* 1.5 -> 2 */
    { OP_F64_TO_I32, RUP, 0x3cb0000000000000, 0, 0, 1, NX },
    { OP_F64_TO_I32, RDN, 0xbcb0000000000000, 0, 0, (uint64_t)-1, NX },
    { OP_F64_TO_U32, RNE, 0x41efffffffe00000, 0, 0, 0xffffffff, 0 },
    { OP_F64_TO_U32, RNE, 0x41f0000000000000, 0, 0, 0xffffffff, NV },
    { OP_F64_TO_U64, RNE, 0x43f0000000000000, 0, 0, UINT64_MAX, NV },
    { OP_F64_TO_U64, RNE, 0xfff0000000000000, 0, 0, 0, NV },
    { OP_F64_TO_I64, RNE, 0x43e0000000000000, 0, 0, INT64_MAX, NV },
    { OP_F64_TO_I64, RNE, 0xc3e0000000000000, 0, 0, (uint64_t)INT64_MIN, 0 },
    { OP_F64_TO_I64, RNE, 0x7ff8000000000000, 0, 0, INT64_MAX, NV },
    /* integer to float */
    { OP_I32_TO_F32, RNE, 0, 0, 0, 0x00000000, 0 },
    { OP_I32_TO_F32, RNE, (uint64_t)-1, 0, 0, 0xbf800000, 0 },
    { OP_I32_TO_F32, RNE, 0x7fffffff, 0, 0, 0x4f000000, NX },
    { OP_I32_TO_F32, RTZ, 0x7fffffff, 0, 0, 0x4effffff, NX },
    { OP_I32_TO_F32, RNE, (uint64_t)(int64_t)INT32_MIN, 0, 0, 0xcf000000, 0 },
    { OP_U32_TO_F32, RUP, 0xffffffff, 0, 0, 0x4f800000, NX },
    { OP_I64_TO_F32, RDN, (uint64_t)INT64_MIN, 0, 0, 0xdf000000, 0 },
    { OP_I64_TO_F32, RDN, (uint64_t)-(INT64_C(0x7fffff0000000001)), 0, 0, 0xdeffffff, NX },
    { OP_I64_TO_F32, RUP, (uint64_t)-(INT64_C(0x7fffff0000000001)), 0, 0, 0xdefffffe, NX },
    { OP_U64_TO_F64, RTZ, UINT64_MAX, 0, 0, 0x43efffffffffffff, NX },
    { OP_I64_TO_F64, RNE, (uint64_t)INT64_MIN, 0, 0, 0xc3e0000000000000, 0 },
    { OP_U32_TO_F64, RNE, 0xffffffff, 0, 0, 0x41efffffffe00000, 0 },

    /* --- rounding, overflow, underflow (tininess after rounding, 11.4) --- */
    { OP_F32_MUL, RNE, 0x7f7fffff, 0x40000000, 0, 0x7f800000, OF | NX },
    { OP_F32_MUL, RTZ, 0x7f7fffff, 0x40000000, 0, 0x7f7fffff, OF | NX },
    { OP_F32_MUL, RDN, 0x7f7fffff, 0x40000000, 0, 0x7f7fffff, OF | NX },
    { OP_F32_MUL, RUP, 0x7f7fffff, 0x40000000, 0, 0x7f800000, OF | NX },
    { OP_F32_MUL, RDN, 0xff7fffff, 0x40000000, 0, 0xff800000, OF | NX },
    { OP_F32_MUL, RUP, 0xff7fffff, 0x40000000, 0, 0xff7fffff, OF | NX },
    { OP_F32_MUL, RMM, 0xff7fffff, 0x40000000, 0, 0xff800000, OF | NX },
    { OP_F32_ADD, RNE, 0x7f7fffff, 0x72ffffff, 0, 0x7f7fffff, NX },      /* no overflow */
    { OP_F32_MUL, RNE, 0x00800000, 0x3f000000, 0, 0x00400000, 0 },       /* exact subnormal */
    { OP_F32_SUB, RNE, 0x00800000, 0x00000001, 0, 0x007fffff, 0 },
    { OP_F32_MUL, RUP, 0x00000001, 0x00000001, 0, 0x00000001, UF | NX },
    { OP_F32_MUL, RDN, 0x00000001, 0x80000001, 0, 0x80000001, UF | NX },
    { OP_F32_MUL, RNE, 0x00000001, 0x80000001, 0, 0x80000000, UF | NX },
    /* 2^-126 (1 - 2^-26) rounds to 2^-126 even at unbounded exponent: not tiny -> no UF */
    { OP_F64_TO_F32, RNE, 0x380ffffff8000000, 0, 0, 0x00800000, NX },
    { OP_F64_TO_F32, RUP, 0x380ffffff8000000, 0, 0, 0x00800000, NX },
    { OP_F64_TO_F32, RTZ, 0x380ffffff8000000, 0, 0, 0x007fffff, UF | NX },
    /* 2^-126 (1 - 2^-25): a tie at unbounded exponent, RNE goes up to 2^-126: not tiny */
    { OP_F64_TO_F32, RNE, 0x380ffffff0000000, 0, 0, 0x00800000, NX },
    { OP_F64_TO_F32, RMM, 0x380ffffff0000000, 0, 0, 0x00800000, NX },
    { OP_F64_TO_F32, RDN, 0x380ffffff0000000, 0, 0, 0x007fffff, UF | NX },
    /* just below that tie: tiny after rounding, result still 2^-126 */
    { OP_F64_TO_F32, RNE, 0x380fffffefffffff, 0, 0, 0x00800000, UF | NX },
    { OP_F64_MUL, RNE, 0x0010000000000000, 0x3fefffffffffffff, 0, 0x0010000000000000, UF | NX },
    /* (2^-1022)(1 - 2^-104): rounds to 2^-1022 at unbounded exponent: no UF */
    { OP_F64_MUL, RNE, 0x0010000000000001, 0x3feffffffffffffe, 0, 0x0010000000000000, NX },
    { OP_F64_MUL, RTZ, 0x0010000000000001, 0x3feffffffffffffe, 0, 0x000fffffffffffff, UF | NX },
    { OP_F64_MUL, RNE, 0x0010000000000001, 0x3fefffffffffffff, 0, 0x0010000000000000, NX },
    { OP_F64_DIV, RNE, 0x0000000000000001, 0x4000000000000000, 0, 0x0000000000000000, UF | NX },
    { OP_F64_DIV, RUP, 0x0000000000000001, 0x7fefffffffffffff, 0, 0x0000000000000001, UF | NX },
    { OP_F64_DIV, RNE, 0x7fefffffffffffff, 0x3fe0000000000000, 0, 0x7ff0000000000000, OF | NX },
};

static void run_hand_cases(void)
{
    size_t i;
    for (i = 0; i < sizeof HAND / sizeof HAND[0]; i++) {
        const hand_t *h = &HAND[i];
        res_t e = { h->r, h->fl };
        if (check_expect(h->op, h->rm, h->a, h->b, h->c, e, "[hand]"))
            g_hand_pass++;
        else
            g_hand_fail++;
    }
}

/* ---------------------------------------------------------------------- */
/* Vector file replay (used by the wasm build)                            */
/* ---------------------------------------------------------------------- */

static int run_vector_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    vec_t v;
    if (!f) {
        perror(path);
        return -1;
    }
    while (fread(&v, sizeof v, 1, f) == 1) {
        res_t e = { v.r, v.fl };
        if (v.op >= NUM_OPS || v.rm > 4) {
            fprintf(stderr, "%s: corrupt record\n", path);
            fclose(f);
            return -1;
        }
        check_expect(v.op, v.rm, v.a, v.b, v.c, e, "[vec]");
    }
    fclose(f);
    return 0;
}

#if HOST_FPU
/* ---------------------------------------------------------------------- */
/* Host reference (x86-64 SSE/FMA)                                        */
/* ---------------------------------------------------------------------- */

/* Opaque to the optimiser, so host FP operations stay between
 * feclearexcept() and fetestexcept() and are never constant-folded. */
#define HOSTFN static __attribute__((noinline, noipa))

static const int FE_MODE[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };
static long g_fma_nv_fixups, g_tiny_after, g_tiny_before_like, g_rmm_ties;

static float f32_of(uint64_t x)
{
    uint32_t u = (uint32_t)x;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static double f64_of(uint64_t x)
{
    double d;
    memcpy(&d, &x, 8);
    return d;
}

static uint64_t bits_of_f32(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static uint64_t bits_of_f64(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static int is_nan_bits(int fmt, uint64_t x)
{
    return fmt == 32 ? (x & 0x7fffffff) > 0x7f800000
                     : (x & 0x7fffffffffffffffull) > 0x7ff0000000000000ull;
}

static int is_snan_bits(int fmt, uint64_t x)
{
    return is_nan_bits(fmt, x) && !(x & (fmt == 32 ? 0x00400000ull : 0x0008000000000000ull));
}

static uint32_t host_flags(void)
{
    int e = fetestexcept(FE_ALL_EXCEPT);
    return (e & FE_INEXACT ? FPU_NX : 0) | (e & FE_UNDERFLOW ? FPU_UF : 0) |
           (e & FE_OVERFLOW ? FPU_OF : 0) | (e & FE_DIVBYZERO ? FPU_DZ : 0) |
           (e & FE_INVALID ? FPU_NV : 0);
}

#define DEF_HOST(T, S, SQRT, FMA, CMPQ, CMPS)                                                \
    HOSTFN T h_add_##S(T a, T b) { return a + b; }                                           \
    HOSTFN T h_sub_##S(T a, T b) { return a - b; }                                           \
    HOSTFN T h_mul_##S(T a, T b) { return a * b; }                                           \
    HOSTFN T h_div_##S(T a, T b) { return a / b; }                                           \
    HOSTFN T h_sqrt_##S(T a) { return SQRT(a); }                                             \
    HOSTFN T h_fma_##S(T a, T b, T c) { return FMA(a, b, c); }                               \
    HOSTFN int h_eq_##S(T a, T b) { return a == b; } /* ucomis: quiet */                     \
    HOSTFN int h_lt_##S(T a, T b)                                                            \
    { /* comis: signaling; "above" is false when unordered */                                \
        unsigned char r;                                                                     \
        __asm__ volatile(CMPS " %1, %2\n\tseta %0" : "=q"(r) : "x"(a), "x"(b) : "cc");       \
        return r;                                                                            \
    }                                                                                        \
    HOSTFN int h_le_##S(T a, T b)                                                            \
    {                                                                                        \
        unsigned char r;                                                                     \
        __asm__ volatile(CMPS " %1, %2\n\tsetae %0" : "=q"(r) : "x"(a), "x"(b) : "cc");      \
        return r;                                                                            \
    }                                                                                        \
    HOSTFN T h_from_i32_##S(int32_t v) { return (T)v; }                                     \
    HOSTFN T h_from_u32_##S(uint32_t v) { return (T)v; }                                    \
    HOSTFN T h_from_i64_##S(int64_t v) { return (T)v; }                                     \
    HOSTFN T h_from_u64_##S(uint64_t v) { return (T)v; }

DEF_HOST(float, f, sqrtf, fmaf, "ucomiss", "comiss")
DEF_HOST(double, d, sqrt, fma, "ucomisd", "comisd")

HOSTFN double h_f32_to_f64(float a) { return (double)a; }
HOSTFN float h_f64_to_f32(double a) { return (float)a; }
/* Called through a pointer: gcc's inline rint() expansion assumes
 * round-to-nearest and gets directed modes wrong for negative inputs. */
static double (*volatile p_rint)(double) = rint;
HOSTFN double h_rint(double a) { return p_rint(a); }

/* Spec reference for fmin/fmax (uses host comparisons). */
static uint64_t ref_minmax(int fmt, int want_max, uint64_t a, uint64_t b, uint32_t *fl)
{
    double x = fmt == 32 ? (double)f32_of(a) : f64_of(a);
    double y = fmt == 32 ? (double)f32_of(b) : f64_of(b);
    if (is_snan_bits(fmt, a) || is_snan_bits(fmt, b))
        *fl |= FPU_NV;
    if (is_nan_bits(fmt, a) && is_nan_bits(fmt, b))
        return fmt == 32 ? CN32 : CN64;
    if (is_nan_bits(fmt, a))
        return b;
    if (is_nan_bits(fmt, b))
        return a;
    if (x == y) /* equal, or +0 vs -0: the min has the sign bit set */
        return (((a >> (fmt - 1)) & 1) != (want_max != 0)) ? a : b;
    return ((x < y) != (want_max != 0)) ? a : b;
}

/* Spec reference for fclass (uses host classification). */
static uint32_t ref_classify(int fmt, uint64_t a)
{
    int neg = (int)((a >> (fmt - 1)) & 1);
    int c;
    if (is_nan_bits(fmt, a))
        return is_snan_bits(fmt, a) ? 1u << 8 : 1u << 9;
    c = fmt == 32 ? fpclassify(f32_of(a)) : fpclassify(f64_of(a));
    switch (c) {
    case FP_INFINITE: return neg ? 1u << 0 : 1u << 7;
    case FP_NORMAL: return neg ? 1u << 1 : 1u << 6;
    case FP_SUBNORMAL: return neg ? 1u << 2 : 1u << 5;
    default: return neg ? 1u << 3 : 1u << 4;
    }
}

/* Float to integer reference: host rint() in the rounding mode gives the
 * integral value and NX; the RISC-V saturation rules (11.7)
 * replace the host's "integer indefinite" result. */
static res_t ref_f2i(int op, int rm, uint64_t a)
{
    const opinfo_t *o = &OPS[op];
    static const uint64_t maxv[4] = { 0x7fffffff, 0xffffffff, INT64_MAX, UINT64_MAX };
    static const uint64_t minv[4] = { (uint64_t)(int64_t)INT32_MIN, 0, (uint64_t)INT64_MIN, 0 };
    res_t r = { 0, 0 };
    double v, iv, tz;
    int ok;

    if (is_nan_bits(o->fmt, a)) {
        r.r = maxv[o->sub];
        r.fl = FPU_NV;
        return r;
    }
    v = o->fmt == 32 ? (double)f32_of(a) : f64_of(a); /* exact */
    fesetround(FE_MODE[rm == FPU_RMM ? FPU_RNE : rm]);
    feclearexcept(FE_ALL_EXCEPT);
    iv = h_rint(v);
    r.fl = host_flags();
    if (rm == FPU_RMM) { /* tie (fraction exactly 1/2): away from zero */
        fesetround(FE_TOWARDZERO);
        tz = h_rint(v);
        if (fabs(v - tz) == 0.5) {
            iv = tz + (v < 0 ? -1.0 : 1.0);
            g_rmm_ties++;
        }
    }
    fesetround(FE_TONEAREST);
    switch (o->sub) {
    case 0: ok = iv >= -2147483648.0 && iv <= 2147483647.0; break;
    case 1: ok = iv >= 0.0 && iv <= 4294967295.0; break;
    case 2: ok = iv >= -9223372036854775808.0 && iv < 9223372036854775808.0; break;
    default: ok = iv >= 0.0 && iv < 18446744073709551616.0; break;
    }
    if (!ok) {
        r.r = v < 0 ? minv[o->sub] : maxv[o->sub];
        r.fl = FPU_NV;
        return r;
    }
    r.r = (o->sub & 1) ? (uint64_t)iv : (uint64_t)(int64_t)iv;
    return r;
}

/* One host evaluation in the current rounding mode. */
static res_t host_raw(int op, uint64_t a, uint64_t b, uint64_t c)
{
    const opinfo_t *o = &OPS[op];
    int s = o->sub, rf = res_fmt(op);
    res_t r = { 0, 0 };

    feclearexcept(FE_ALL_EXCEPT);
    if (o->kind == K_I2F) {
        if (o->fmt == 32) {
            float v = s == 0 ? h_from_i32_f((int32_t)a) : s == 1 ? h_from_u32_f((uint32_t)a)
                    : s == 2 ? h_from_i64_f((int64_t)a) : h_from_u64_f(a);
            r.fl = host_flags();
            r.r = bits_of_f32(v);
        } else {
            double v = s == 0 ? h_from_i32_d((int32_t)a) : s == 1 ? h_from_u32_d((uint32_t)a)
                     : s == 2 ? h_from_i64_d((int64_t)a) : h_from_u64_d(a);
            r.fl = host_flags();
            r.r = bits_of_f64(v);
        }
        return r;
    }
    if (o->kind == K_MINMAX) {
        r.r = ref_minmax(o->fmt, s, a, b, &r.fl);
        return r;
    }
    if (o->kind == K_CLASS) {
        r.r = ref_classify(o->fmt, a);
        return r;
    }
    if (o->fmt == 32) {
        float x = f32_of(a), y = f32_of(b), z = f32_of(c), v = 0;
        double w = 0;
        switch (o->kind) {
        case K_BIN:
            v = s == 0 ? h_add_f(x, y) : s == 1 ? h_sub_f(x, y) : s == 2 ? h_mul_f(x, y)
                                                                       : h_div_f(x, y);
            break;
        case K_SQRT: v = h_sqrt_f(x); break;
        case K_FMA: v = h_fma_f((s >> 1) ? -x : x, y, (s & 1) ? -z : z); break;
        case K_CMP:
            r.r = (uint64_t)(s == 0 ? h_eq_f(x, y) : s == 1 ? h_lt_f(x, y) : h_le_f(x, y));
            break;
        default: w = h_f32_to_f64(x); break;
        }
        r.fl = host_flags();
        if (o->kind != K_CMP)
            r.r = rf == 64 ? bits_of_f64(w) : bits_of_f32(v);
    } else {
        double x = f64_of(a), y = f64_of(b), z = f64_of(c), v = 0;
        float w = 0;
        switch (o->kind) {
        case K_BIN:
            v = s == 0 ? h_add_d(x, y) : s == 1 ? h_sub_d(x, y) : s == 2 ? h_mul_d(x, y)
                                                                       : h_div_d(x, y);
            break;
        case K_SQRT: v = h_sqrt_d(x); break;
        case K_FMA: v = h_fma_d((s >> 1) ? -x : x, y, (s & 1) ? -z : z); break;
        case K_CMP:
            r.r = (uint64_t)(s == 0 ? h_eq_d(x, y) : s == 1 ? h_lt_d(x, y) : h_le_d(x, y));
            break;
        default: w = h_f64_to_f32(x); break;
        }
        r.fl = host_flags();
        if (o->kind != K_CMP)
            r.r = rf == 32 ? bits_of_f32(w) : bits_of_f64(v);
    }
    /* RISC-V fixups. */
    if (rf && is_nan_bits(rf, r.r))
        r.r = rf == 32 ? CN32 : CN64; /* canonical NaN (11.3) */
    if (o->kind == K_FMA && !(r.fl & FPU_NV) && is_nan_bits(o->fmt, c)) {
        /* x86 FMA raises no NV for inf*0 + qNaN; RISC-V does (11.6). */
        uint64_t m = o->fmt == 32 ? 0x7fffffffull : 0x7fffffffffffffffull;
        uint64_t inf = o->fmt == 32 ? 0x7f800000ull : 0x7ff0000000000000ull;
        if (((a & m) == inf && (b & m) == 0) || ((a & m) == 0 && (b & m) == inf)) {
            r.fl |= FPU_NV;
            g_fma_nv_fixups++;
        }
    }
    return r;
}

typedef __float128 quad;

static quad q_of(int fmt, uint64_t x) { return fmt == 32 ? (quad)f32_of(x) : (quad)f64_of(x); }

/* Is x + y exactly m?  (TwoSum: the rounding error of x + y is exact.) */
static int sum_is(quad x, quad y, quad m)
{
    quad s = x + y, bb = s - x, e = (x - (s - bb)) + (y - bb);
    return e == 0 && s == m;
}

/* Is the exact result of op equal to m?  All checks are exact in quad. */
static int exact_result_is(int op, uint64_t a, uint64_t b, uint64_t c, quad m)
{
    const opinfo_t *o = &OPS[op];
    int f = o->fmt, s = o->sub;
    quad x = q_of(f, a), y = q_of(f, b), z = q_of(f, c);

    switch (o->kind) {
    case K_BIN:
        if (s == 0) return sum_is(x, y, m);
        if (s == 1) return sum_is(x, -y, m);
        if (s == 2) return x * y == m;  /* product exact: <= 106 bits */
        return m * y == x;              /* quotient check, product exact */
    case K_SQRT: return m * m == x;
    case K_FMA: return sum_is((s >> 1) ? -(x * y) : x * y, (s & 1) ? -z : z, m);
    case K_F2F: return x == m;
    case K_I2F:
        return (s == 0 ? (quad)(int32_t)a : s == 1 ? (quad)(uint32_t)a
              : s == 2 ? (quad)(int64_t)a : (quad)a) == m;
    default: return 0;
    }
}

/* Midpoint between finite rz (bits) and its away-from-zero neighbour. */
static quad midpoint(int fmt, uint64_t rz)
{
    uint64_t inf = fmt == 32 ? 0x7f800000ull : 0x7ff0000000000000ull;
    uint64_t mag = rz & (inf | (inf - 1));
    quad lo = q_of(fmt, rz), hi;
    if (mag + 1 == inf) /* max finite: the next step would be 2^(emax+1) */
        hi = lo + (lo - q_of(fmt, rz - 1));
    else
        hi = q_of(fmt, rz + 1);
    return (lo + hi) / 2;
}

/* Host-derived expected result for any rounding mode. */
static res_t host_ref(int op, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    res_t ne, tz;
    int rf = res_fmt(op);

    if (OPS[op].kind == K_F2I)
        return ref_f2i(op, rm, a);
    if (rm != FPU_RMM) {
        fesetround(FE_MODE[rm]);
        ne = host_raw(op, a, b, c);
        fesetround(FE_TONEAREST);
        return ne;
    }
    /* RMM: same as RNE (result and flags) except at an exact tie, where the
     * result is the RTZ result's away-from-zero neighbour. */
    fesetround(FE_TOWARDZERO);
    tz = host_raw(op, a, b, c);
    fesetround(FE_TONEAREST);
    ne = host_raw(op, a, b, c);
    if ((tz.fl & FPU_NX) && rf && !is_nan_bits(rf, tz.r) &&
        exact_result_is(op, a, b, c, midpoint(rf, tz.r))) {
        ne.r = tz.r + 1;
        g_rmm_ties++;
    }
    return ne;
}

/* Evidence for the tininess claim: an inexact result of exactly +-2^emin
 * whose exact value was below 2^emin.  With tininess detected after
 * rounding such a case may have UF clear; before rounding it never would. */
static void tininess_stats(int op, uint64_t a, uint64_t b, res_t e)
{
    int rf = res_fmt(op);
    quad ex, lim;
    uint64_t minn;
    if (!rf || !(e.fl & FPU_NX))
        return;
    minn = rf == 32 ? 0x00800000ull : 0x0010000000000000ull;
    if ((e.r & ~(rf == 32 ? 0x80000000ull : 0x8000000000000000ull)) != minn)
        return;
    if (op == OP_F64_TO_F32)
        ex = q_of(64, a);
    else if (op == OP_F32_MUL || op == OP_F64_MUL)
        ex = q_of(OPS[op].fmt, a) * q_of(OPS[op].fmt, b);
    else
        return;
    lim = q_of(rf, minn);
    if (ex < 0)
        ex = -ex;
    if (ex >= lim)
        return;
    if (e.fl & FPU_UF)
        g_tiny_before_like++;
    else
        g_tiny_after++;
}

/* Also validate the hand-computed table against the host reference. */
static long g_hand_host_agree, g_hand_host_disagree;

static void cross_check_hand_cases(void)
{
    size_t i;
    for (i = 0; i < sizeof HAND / sizeof HAND[0]; i++) {
        const hand_t *h = &HAND[i];
        res_t e = host_ref(h->op, h->rm, h->a, h->b, h->c);
        if (e.r == h->r && e.fl == h->fl) {
            g_hand_host_agree++;
        } else {
            char f1[16], f2[16];
            flags_str(h->fl, f1);
            flags_str(e.fl, f2);
            g_hand_host_disagree++;
            printf("HAND/HOST MISMATCH %s %s a=%" PRIx64 " b=%" PRIx64 " c=%" PRIx64
                   ": table %" PRIx64 " %s, host %" PRIx64 " %s\n",
                   OPS[h->op].name, RM_NAME[h->rm], h->a, h->b, h->c, h->r, f1, e.r, f2);
        }
    }
}

#endif /* HOST_FPU */

/* ---------------------------------------------------------------------- */
/* Input generation (integer only, so native and wasm runs generate the   */
/* same stream; see the digest in run_case())                             */
/* ---------------------------------------------------------------------- */

static uint64_t g_rng;

static uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (g_rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rnd_below(uint64_t n) { return rnd() % n; }

/* Random bit pattern of width w (8..64) with structure that hits ties:
 * runs of ones/zeros, single bits, random high part with fixed low part. */
static uint64_t rnd_pattern(int w)
{
    uint64_t m = w == 64 ? ~0ull : (1ull << w) - 1, r;
    int lo, len;
    /* Note: at most one random draw per full expression, so that the
     * stream does not depend on the compiler's evaluation order. */
    switch (rnd_below(9)) {
    case 0: case 1: return rnd() & m;
    case 2: return 0;
    case 3: return m;
    case 4: return 1ull << rnd_below((uint64_t)w);
    case 5:
        lo = (int)rnd_below((uint64_t)w);
        len = (int)rnd_below((uint64_t)(w - lo)) + 1;
        return ((~0ull >> (64 - len)) << lo) & m;
    case 6: return m ^ (1ull << rnd_below((uint64_t)w));
    case 7:
        r = rnd() & m;
        return r & ~((1ull << rnd_below((uint64_t)w)) - 1);
    default:
        r = rnd() & m;
        return r | ((1ull << rnd_below((uint64_t)w)) - 1);
    }
}

static int frac_bits(int fmt) { return fmt == 32 ? 23 : 52; }
static int exp_max(int fmt) { return fmt == 32 ? 255 : 2047; }
static int bias_of(int fmt) { return fmt == 32 ? 127 : 1023; }

static uint64_t make_float(int fmt, int sign, long e, uint64_t frac)
{
    int fb = frac_bits(fmt);
    if (e < 0)
        e = 0;
    if (e > exp_max(fmt))
        e = exp_max(fmt);
    return ((uint64_t)sign << (fmt - 1)) | ((uint64_t)e << fb) | (frac & ((1ull << fb) - 1));
}

/* A structured random float: mostly finite, exponents anywhere with extra
 * weight on the extremes and around 1.0. */
static uint64_t rnd_float(int fmt)
{
    int emax = exp_max(fmt), sign = (int)(rnd() & 1);
    long e;
    switch (rnd_below(8)) {
    case 0: e = (long)rnd_below(4); break;                 /* zero/subnormal/small */
    case 1: e = emax - (long)rnd_below(4); break;          /* huge / inf / NaN */
    case 2: e = bias_of(fmt) - 4 + (long)rnd_below(9); break;
    default: e = (long)rnd_below((uint64_t)emax + 1); break;
    }
    return make_float(fmt, sign, e, rnd_pattern(frac_bits(fmt)));
}

static long exp_of(int fmt, uint64_t x) { return (long)((x >> frac_bits(fmt)) & (uint64_t)exp_max(fmt)); }

/* A float whose biased exponent is near e (clamped to the finite range). */
static uint64_t rnd_float_near(int fmt, long e, long spread)
{
    long ee = e - spread + (long)rnd_below((uint64_t)(2 * spread + 1));
    int sign = (int)(rnd() & 1);
    if (ee > exp_max(fmt) - 1)
        ee = exp_max(fmt) - 1;
    return make_float(fmt, sign, ee, rnd_pattern(frac_bits(fmt)));
}

static uint64_t rnd_bits(int fmt) { return fmt == 32 ? rnd() & 0xffffffffull : rnd(); }

/* a*b rounded to nearest, for building related operands (the library is
 * used rather than the host so that wasm generates the same inputs). */
static uint64_t mul_rne(int fmt, uint64_t a, uint64_t b)
{
    uint32_t fl = 0;
    return fmt == 32 ? fpu_f32_mul((uint32_t)a, (uint32_t)b, FPU_RNE, &fl)
                     : fpu_f64_mul(a, b, FPU_RNE, &fl);
}

/* Interesting targets for product/quotient exponents (unbiased). */
static long rnd_boundary_exp(int fmt)
{
    long emin = 1 - bias_of(fmt), emax = bias_of(fmt);
    switch (rnd_below(5)) {
    case 0: return emin;
    case 1: return emin - 1;
    case 2: return emin - frac_bits(fmt) / 2;
    case 3: return emin - frac_bits(fmt) - 1;
    default: return emax;
    }
}

static void gen_operands(int op, int structured, uint64_t *a, uint64_t *b, uint64_t *c)
{
    const opinfo_t *o = &OPS[op];
    int f = o->fmt, fb = frac_bits(f), bias = bias_of(f);
    long ea, eb;

    *a = *b = *c = 0;
    if (!structured) {
        if (o->kind == K_I2F)
            *a = rnd();
        else {
            *a = rnd_bits(f);
            *b = rnd_bits(f);
            *c = rnd_bits(f);
        }
        return;
    }
    switch (o->kind) {
    case K_BIN:
    case K_MINMAX:
    case K_CMP:
        *a = rnd_float(f);
        ea = exp_of(f, *a);
        switch (rnd_below(4)) {
        case 0: /* nearby exponent: alignment, cancellation, ties */
            *b = rnd_float_near(f, ea, fb + 4);
            break;
        case 1: /* result near the underflow/overflow boundaries */
            eb = (o->sub == 3) ? (ea - bias) - rnd_boundary_exp(f) : rnd_boundary_exp(f) - (ea - bias);
            *b = rnd_float_near(f, eb + bias, 2);
            break;
        case 2: /* related values */
            *b = *a ^ ((rnd() & 1) << (f - 1));
            *b = *b + rnd_below(5) - 2;
            if (f == 32)
                *b &= 0xffffffffull;
            break;
        default:
            *b = rnd_float(f);
            break;
        }
        if (o->kind == K_BIN && o->sub == 3 && rnd_below(4) == 0) { /* exact quotients */
            int sign = (int)(rnd() & 1);
            long e = bias + (long)rnd_below(4);
            uint64_t q = make_float(f, sign, e, rnd_pattern(fb) & ((1ull << fb) - (1ull << (fb - 3))));
            *a = mul_rne(f, *b, q);
        }
        break;
    case K_SQRT:
        if (rnd_below(2)) {
            *a = rnd_float(f) & ~(1ull << (f - 1));
        } else { /* near a perfect square */
            uint64_t x = rnd_float_near(f, (long)rnd_below((uint64_t)exp_max(f)), 0) &
                         ~(1ull << (f - 1));
            *a = mul_rne(f, x, x) + rnd_below(5) - 2;
            if (f == 32)
                *a &= 0xffffffffull;
        }
        break;
    case K_FMA:
        *a = rnd_float(f);
        *b = rnd_float(f);
        if (rnd_below(2)) { /* product near the underflow/overflow boundaries */
            eb = rnd_boundary_exp(f) - (exp_of(f, *a) - bias) + bias;
            *b = rnd_float_near(f, eb, 3);
        }
        ea = exp_of(f, *a) + exp_of(f, *b) - bias;
        switch (rnd_below(4)) {
        case 0: *c = rnd_float_near(f, ea, 2 * fb + 6); break;
        case 1: *c = mul_rne(f, *a, *b) ^ ((rnd() & 1) << (f - 1)); break; /* cancellation */
        case 2: *c = rnd_float_near(f, ea, 3); break;
        default: *c = rnd_float(f); break;
        }
        break;
    case K_CLASS:
        *a = rnd_float(f);
        break;
    case K_F2I: {
        /* values near integers, halves and the saturation limits */
        static const long lims[] = { 0, 1, 31, 32, 63, 64 };
        long e;
        int sign = (int)(rnd() & 1);
        if (rnd_below(3)) {
            e = bias + lims[rnd_below(6)] - 2;
            e += (long)rnd_below(4);
        } else {
            e = bias - 3 + (long)rnd_below(70);
        }
        *a = make_float(f, sign, e, rnd_pattern(fb));
        if (rnd_below(4) == 0)
            *a = rnd_float(f);
        break;
    }
    case K_I2F: {
        int w = (o->sub < 2) ? 32 : 64;
        int len = 1 + (int)rnd_below((uint64_t)w);
        uint64_t v = rnd_pattern(len) | (1ull << (len - 1));
        if (!(o->sub & 1) && (rnd() & 1))
            v = (uint64_t)0 - v; /* negative */
        if (w == 32)
            v = (o->sub & 1) ? (v & 0xffffffffull) : (uint64_t)(int64_t)(int32_t)v;
        *a = v;
        break;
    }
    case K_F2F:
        if (f == 64) { /* doubles around the binary32 range, with tie patterns */
            static const long targets[] = { 1 - 127, -127 - 23, 127, 0 };
            int sign = (int)(rnd() & 1);
            long e = 1023 + targets[rnd_below(4)] - 3;
            e += (long)rnd_below(7);
            if (rnd_below(3) == 0)
                e = 1023 - 160 + (long)rnd_below(320);
            *a = make_float(64, sign, e, rnd_pattern(52));
            if (rnd_below(4) == 0) /* just below 2^-126: tininess before/after rounding */
                *a = make_float(64, sign, 1023 - 127,
                                (((1ull << 23) - 1) << 29) | (rnd() & ((1ull << 29) - 1)));
        } else {
            *a = rnd_float(32);
        }
        break;
    default:
        break;
    }
    if (f == 32 && o->kind != K_I2F) {
        *a &= 0xffffffffull;
        *b &= 0xffffffffull;
        *c &= 0xffffffffull;
    }
}

/* ---------------------------------------------------------------------- */
/* Running generated cases                                                 */
/* ---------------------------------------------------------------------- */

static int g_use_host;           /* compare with the host FPU (native only) */
static uint64_t g_digest = 0xcbf29ce484222325ull; /* over all library results */
static long g_digest_cases, g_case_index;

static void digest_word(uint64_t w)
{
    g_digest = (g_digest ^ w) * 0x100000001b3ull;
    g_digest ^= g_digest >> 29;
}

/* Run one generated case: fold the library result into the digest and, on
 * a host with an FPU reference, compare it (and maybe write a vector). */
static void run_case(int op, int rm, uint64_t a, uint64_t b, uint64_t c, int always_write)
{
    uint32_t fl = 0;
    uint64_t r = lib_run(op, rm, a, b, c, &fl);

    digest_word((uint64_t)op << 8 | (uint64_t)rm);
    digest_word(a);
    digest_word(b);
    digest_word(c);
    digest_word(r);
    digest_word(fl);
    g_digest_cases++;
#if HOST_FPU
    if (g_use_host) {
        res_t e = host_ref(op, rm, a, b, c);
        if (op == OP_F64_TO_F32 || op == OP_F32_MUL || op == OP_F64_MUL)
            tininess_stats(op, a, b, e);
        compare_result(op, rm, a, b, c, r, fl, e, "");
        if (g_vec_out && (always_write || (g_case_index++ % g_vec_sample) == 0)) {
            vec_t v;
            memset(&v, 0, sizeof v);
            v.op = (uint8_t)op;
            v.rm = (uint8_t)rm;
            v.fl = (uint8_t)e.fl;
            v.a = a;
            v.b = b;
            v.c = c;
            v.r = e.r;
            fwrite(&v, sizeof v, 1, g_vec_out);
        }
    }
#else
    (void)always_write;
    (void)g_case_index;
    (void)g_use_host;
    (void)g_vec_out;
    (void)res_fmt;
#endif
}

/* ---------------------------------------------------------------------- */
/* Edge-value sets                                                         */
/* ---------------------------------------------------------------------- */

static const uint32_t EDGE32[] = {
    0x00000000, 0x00000001, 0x00000002, 0x00000003, 0x00400000, 0x00400001, 0x007ffffe,
    0x007fffff, 0x00800000, 0x00800001, 0x00ffffff, 0x01000000, 0x0c000000, 0x1a000000,
    0x33000000, 0x33800000, 0x33800001, 0x34000000, 0x3effffff, 0x3f000000, 0x3f000001,
    0x3f7fffff, 0x3f800000, 0x3f800001, 0x3fc00000, 0x3fffffff, 0x40000000, 0x40200000,
    0x40400000, 0x40490fdb, 0x4b000000, 0x4b000001, 0x4b7fffff, 0x4b800000, 0x4effffff,
    0x4f000000, 0x4f7fffff, 0x4f800000, 0x5effffff, 0x5f000000, 0x5f7fffff, 0x5f800000,
    0x72ffffff, 0x73000000, 0x7e800000, 0x7effffff, 0x7f000000, 0x7f7ffffe, 0x7f7fffff,
    0x7f800000, 0x7fc00000, 0x7fc00001, 0x7fffffff, 0x7f800001, 0x7fa00000, 0x7fbfffff,
};

static const uint64_t EDGE64[] = {
    0x0000000000000000, 0x0000000000000001, 0x0000000000000002, 0x0000000000000003,
    0x0008000000000000, 0x0008000000000001, 0x000ffffffffffffe, 0x000fffffffffffff,
    0x0010000000000000, 0x0010000000000001, 0x001fffffffffffff, 0x0020000000000000,
    0x1ff0000000000000, 0x3690000000000000, 0x36a0000000000000, 0x380fffffe0000000,
    0x380ffffff0000000, 0x380ffffff8000000, 0x3810000000000000, 0x3c90000000000000,
    0x3ca0000000000000, 0x3ca0000000000001, 0x3cb0000000000000, 0x3fdfffffffffffff,
    0x3fe0000000000000, 0x3fe0000000000001, 0x3fefffffffffffff, 0x3ff0000000000000,
    0x3ff0000000000001, 0x3ff0000010000000, 0x3ff0000030000000, 0x3ff8000000000000,
    0x3fffffffffffffff, 0x4000000000000000, 0x4004000000000000, 0x4008000000000000,
    0x400921fb54442d18, 0x4330000000000000, 0x4330000000000001, 0x433fffffffffffff,
    0x4340000000000000, 0x41dfffffffc00000, 0x41dfffffffe00000, 0x41dfffffffffffff,
    0x41e0000000000000, 0x41e0000000100000, 0x41efffffffe00000, 0x41effffffff00000,
    0x41f0000000000000, 0x43dfffffffffffff, 0x43e0000000000000, 0x43efffffffffffff,
    0x43f0000000000000, 0x47efffffe0000000, 0x47effffff0000000, 0x47f0000000000000,
    0x7c90000000000000, 0x7fd0000000000000, 0x7fe0000000000000, 0x7feffffffffffffe,
    0x7fefffffffffffff, 0x7ff0000000000000, 0x7ff8000000000000, 0x7ff8000000000001,
    0x7fffffffffffffff, 0x7ff0000000000001, 0x7ff4000000000000,
};

static const uint64_t EDGE_INT[] = {
    0, 1, 2, 3, 0x7f, 0xff, 0xffffff, 0x1000000, 0x1000001, 0x1000003, 0x2000005, 0x7fffffbf,
    0x7fffffc0, 0x7fffffff, 0x80000000, 0x80000001, 0xffffff7f, 0xffffff80, 0xffffffff,
    0x100000000, 0x1fffffffffffff, 0x20000000000000, 0x20000000000001, 0x20000000000003,
    0x7ffffffffffffdff, 0x7ffffffffffffe00, 0x7fffffffffffffff, 0x8000000000000000,
    0x8000008000000000, 0x8000000000000400, 0xfffffffffffffbff, 0xfffffffffffffc00,
    0xffffffffffffffff, 0xffffff7fffffffff, 0xffffff8000000000,
};

static void run_edge_cases(int op, int rm)
{
    const opinfo_t *o = &OPS[op];
    size_t n, i, j, k;
    uint64_t vals[2 * 80];

    if (o->kind == K_I2F) {
        n = sizeof EDGE_INT / sizeof EDGE_INT[0];
        for (i = 0; i < n; i++) {
            uint64_t v = EDGE_INT[i], vs[4] = { v, (uint64_t)0 - v, v & 0xffffffffull,
                                                (uint64_t)(int64_t)(int32_t)v };
            for (j = 0; j < 4; j++)
                run_case(op, rm, vs[j], 0, 0, 1);
        }
        return;
    }
    if (o->fmt == 32) {
        n = sizeof EDGE32 / sizeof EDGE32[0];
        for (i = 0; i < n; i++) {
            vals[2 * i] = EDGE32[i];
            vals[2 * i + 1] = EDGE32[i] | 0x80000000u;
        }
    } else {
        n = sizeof EDGE64 / sizeof EDGE64[0];
        for (i = 0; i < n; i++) {
            vals[2 * i] = EDGE64[i];
            vals[2 * i + 1] = EDGE64[i] | 0x8000000000000000ull;
        }
    }
    n *= 2;
    switch (o->kind) {
    case K_SQRT: case K_CLASS: case K_F2I: case K_F2F:
        for (i = 0; i < n; i++)
            run_case(op, rm, vals[i], 0, 0, 1);
        break;
    case K_FMA: /* all triples of every third value (every value for a and b) */
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++)
                for (k = (i + j) % 3; k < n; k += 3) {
                    run_case(op, rm, vals[i], vals[j], vals[k], 0);
                }
        break;
    default:
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++)
                run_case(op, rm, vals[i], vals[j], 0, 1);
        break;
    }
}

#if HOST_FPU
static void check_host_fpu_state(void)
{
    unsigned int csr;
    __asm__ volatile("stmxcsr %0" : "=m"(csr));
    if (csr & 0x8040) { /* FTZ or DAZ would break subnormal comparisons */
        printf("note: clearing MXCSR FTZ/DAZ (was %08x)\n", csr);
        csr &= ~0x8040u;
        __asm__ volatile("ldmxcsr %0" : : "m"(csr));
    }
}
#endif /* HOST_FPU */

/* ---------------------------------------------------------------------- */
/* Main                                                                    */
/* ---------------------------------------------------------------------- */

/* Edge cases and random inputs for every operation and rounding mode. */
static void run_generated(long count)
{
    int op, rm;
    long n;
    uint64_t a, b, c;

    g_rng = g_seed;
    for (op = 0; op < NUM_OPS; op++) {
        for (rm = 0; rm < 5; rm++) {
            if (!uses_rm(op) && rm != FPU_RNE)
                continue;
            run_edge_cases(op, rm);
            for (n = 0; n < count; n++) {
                gen_operands(op, 0, &a, &b, &c); /* random bit patterns */
                run_case(op, rm, a, b, c, 0);
                gen_operands(op, 1, &a, &b, &c); /* structured / nearby exponents */
                run_case(op, rm, a, b, c, 0);
            }
        }
    }
}

int main(int argc, char **argv)
{
    long count = 100000; /* random inputs per generator, op and rounding mode */
    const char *write_path = NULL, *read_path = NULL, *want_digest = NULL;
    long total = 0, fails = 0;
    int i, op, rm, generate;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--count") && i + 1 < argc)
            count = strtol(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            g_seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--write") && i + 1 < argc)
            write_path = argv[++i];
        else if (!strcmp(argv[i], "--sample") && i + 1 < argc)
            g_vec_sample = (int)strtol(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--read") && i + 1 < argc)
            read_path = argv[++i];
        else if (!strcmp(argv[i], "--digest") && i + 1 < argc)
            want_digest = argv[++i];
        else if (!strcmp(argv[i], "-v"))
            g_verbose = 1;
        else {
            fprintf(stderr,
                    "usage: %s [--count N] [--seed S] [--write FILE [--sample K]]\n"
                    "       %s --read FILE [--digest HEX [--count N] [--seed S]]\n",
                    argv[0], argv[0]);
            return 2;
        }
    }
    if (g_vec_sample < 1)
        g_vec_sample = 1;

    run_hand_cases();
    if (read_path && run_vector_file(read_path) != 0)
        return 1;

    /* Natively, generated cases are checked against the host FPU.  With
     * --read (e.g. under wasm), they are only run to compare the digest of
     * all library results with the one printed by the native run. */
    generate = !read_path || want_digest;
#if HOST_FPU
    g_use_host = !read_path;
    if (g_use_host) {
        check_host_fpu_state();
        cross_check_hand_cases();
        if (write_path) {
            g_vec_out = fopen(write_path, "wb");
            if (!g_vec_out) {
                perror(write_path);
                return 1;
            }
        }
    }
#else
    (void)write_path;
    if (!read_path)
        printf("note: no host FPU reference on this platform: hand-written cases and the "
               "digest only\n");
#endif
    if (generate)
        run_generated(count);
#if HOST_FPU
    if (g_vec_out)
        fclose(g_vec_out);
#endif

    printf("%-14s %10s %10s %10s %10s %10s %8s\n", "op", "rne", "rtz", "rdn", "rup", "rmm",
           "failed");
    for (op = 0; op < NUM_OPS; op++) {
        long f = 0, t = 0;
        for (rm = 0; rm < 5; rm++) {
            f += g_fail[op][rm];
            t += g_count[op][rm];
        }
        printf("%-14s %10ld %10ld %10ld %10ld %10ld %8ld\n", OPS[op].name, g_count[op][0],
               g_count[op][1], g_count[op][2], g_count[op][3], g_count[op][4], f);
        total += t;
        fails += f;
    }
    printf("hand-written cases: %ld passed, %ld failed\n", g_hand_pass, g_hand_fail);
#if HOST_FPU
    if (g_use_host) {
        printf("hand-written table vs host reference: %ld agree, %ld disagree\n",
               g_hand_host_agree, g_hand_host_disagree);
        printf("RMM exact ties found (host RNE result replaced): %ld\n", g_rmm_ties);
        printf("host FMA inf*0+qNaN without NV (fixed up to NV per RISC-V 11.6): %ld\n",
               g_fma_nv_fixups);
        printf("tininess: exact |x| < 2^emin rounded to 2^emin inexact: %ld without UF "
               "(after rounding), %ld with UF\n",
               g_tiny_after, g_tiny_before_like);
        fails += g_hand_host_disagree;
        total += g_hand_host_agree + g_hand_host_disagree;
    }
#endif
    if (generate) {
        char got[32];
        sprintf(got, "%016" PRIx64, g_digest);
        printf("library digest over %ld generated cases (count %ld, seed %#" PRIx64 "): %s\n",
               g_digest_cases, count, g_seed, got);
        if (want_digest) {
            int match = !strcmp(got, want_digest);
            printf("digest %s expected %s\n", match ? "matches" : "DIFFERS from", want_digest);
            total += g_digest_cases;
            if (!match)
                fails += g_digest_cases;
        }
    }
    printf("%ld passed, %ld failed\n", total - fails, fails);
    return fails ? 1 : 0;
}
