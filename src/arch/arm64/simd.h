/* AdvSIMD helpers' view of the V registers (Arm ARM C7.2): a register as
 * 16 bytes of lanes in little-endian order (the host's: x86-64 and
 * WebAssembly), element accessors by size (log2 bytes), and the helpers. */
#ifndef WVM_ARM64_SIMD_H
#define WVM_ARM64_SIMD_H

#include <string.h>

#include "arch/arm64/cpu.h"

typedef struct a64_vec {
    uint8_t b[16];
} a64_vec;

/* V(n)'s 16 bytes: r[A64_VLO(n)] and r[A64_VHI(n)] are adjacent. */
static inline uint8_t *a64_vreg(ir_cpu *cpu, unsigned n) { return (uint8_t *)&cpu->r[A64_VLO(n)]; }

static inline a64_vec a64_vget(ir_cpu *cpu, unsigned n)
{
    a64_vec v;
    memcpy(v.b, a64_vreg(cpu, n), 16);
    return v;
}

/* V(n) = v; with `q` 0 only the low 64 bits, the rest zeroed. */
static inline void a64_vset(ir_cpu *cpu, unsigned n, const a64_vec *v, int q)
{
    memcpy(a64_vreg(cpu, n), v->b, 16);
    if (!q)
        cpu->r[A64_VHI(n)] = 0;
}

/* Element i of size `size` (0..3: 8..64 bits), zero-extended / sign-extended. */
static inline uint64_t vel(const a64_vec *v, unsigned size, unsigned i)
{
    uint64_t x = 0;
    memcpy(&x, v->b + (i << size), 1u << size);
    return x;
}

static inline int64_t sel_s(const a64_vec *v, unsigned size, unsigned i)
{
    unsigned sh = 64 - (8u << size);
    return (int64_t)(vel(v, size, i) << sh) >> sh;
}

static inline void vset_el(a64_vec *v, unsigned size, unsigned i, uint64_t x) { memcpy(v->b + (i << size), &x, 1u << size); }

/* All ones of an element of `size`. */
static inline uint64_t el_ones(unsigned size) { return size == 3 ? ~0ull : (1ull << (8u << size)) - 1; }

/* The AdvSIMD structure load/store helper (simd_ldst.c) and the AdvSIMD
 * data processing helper (simd.c: integer; simd_perm.c: copies,
 * permutes, immediates; simd_fp.c: floating point), all with the
 * instruction in op->aux. */
int a64_simd_ldst_helper(ir_cpu *cpu, const ir_op *op);
int a64_simd_helper(ir_cpu *cpu, const ir_op *op);

/* Group executors: return 0 after writing the result, -1 for an
 * unallocated or unimplemented encoding (UNDEFINED). `scalar`: the
 * AdvSIMD scalar form (one element, bits 28 = 1). */
int a64_simd_copy(ir_cpu *cpu, uint32_t i, int scalar);
int a64_simd_modimm(ir_cpu *cpu, uint32_t i);
int a64_simd_permute(ir_cpu *cpu, uint32_t i);
int a64_simd_extract(ir_cpu *cpu, uint32_t i);
int a64_simd_table(ir_cpu *cpu, uint32_t i);
int a64_simd_fp_same(ir_cpu *cpu, uint32_t i, int scalar);
int a64_simd_fp_misc(ir_cpu *cpu, uint32_t i, int scalar);
int a64_simd_fp_across(ir_cpu *cpu, uint32_t i);
int a64_simd_fp_pairwise(ir_cpu *cpu, uint32_t i);
int a64_simd_fp_indexed(ir_cpu *cpu, uint32_t i, int scalar);
int a64_simd_fp_shift(ir_cpu *cpu, uint32_t i, int scalar);

#endif
