/* The A64 decoder's shared parts (decode.c, decode_ldst.c, decode_sys.c). */
#ifndef WVM_ARM64_DECODE_H
#define WVM_ARM64_DECODE_H

#include "arch/arm64/cpu.h"

/* Decoding state: the block, the current instruction and its offset. */
typedef struct a64_dec {
    ir_block *b;
    uint32_t insn;
    unsigned off; /* byte offset of insn in the block */
    int el;       /* exception level the block runs at */
    int end;      /* the instruction emitted a helper that ends the block */
    int align;    /* loads and stores check alignment (A64_FLAGS_ALIGN) */
    int fptrap;   /* SIMD&FP instructions trap (A64_FLAGS_FPTRAP) */
} a64_dec;

/* Register n (0..31) read with 31 as XZR, or as SP; written likewise. */
static inline int a64_xr(unsigned n) { return n == 31 ? 0 : A64_X(n); }
static inline int a64_xr_sp(unsigned n) { return n == 31 ? A64_SP : A64_X(n); }
static inline int a64_xw(unsigned n) { return n == 31 ? IR_ZERO_SINK : A64_X(n); }
static inline int a64_xw_sp(unsigned n) { return n == 31 ? A64_SP : A64_X(n); }

/* Emit one op of the current instruction; returns it. */
ir_op *a64_emit(a64_dec *d, int opc, int rd, int rs1, int rs2, int32_t imm, uint32_t aux);
/* rd = the 64-bit constant v. */
void a64_movi(a64_dec *d, int rd, uint64_t v);
/* rd = rd's low 32 bits, zero-extended (a W result). */
void a64_zext32(a64_dec *d, int rd);
/* rd = rs & mask (uses A64_T3 for a wide mask). */
void a64_and_imm(a64_dec *d, int rd, int rs, uint64_t mask);
/* Helper `idx` (enum a64_helper) with the instruction in aux; `end`: it ends the block. */
void a64_helper(a64_dec *d, int idx, int rd, int rs1, int rs2, int end);
/* An unallocated or unimplemented encoding: UNDEFINED (EC 0). Returns 1. */
int a64_undefined(a64_dec *d);

/* Loads and stores (C4.1.88); system instructions (C4.1.87, the part
 * with bits 31:22 = 1101010100). Return nonzero if the block ends. */
int a64_load_store(a64_dec *d);
int a64_system(a64_dec *d);

/* A SIMD&FP instruction while CPACR_EL1.FPEN traps it: EC 0x07. Returns 1. */
int a64_fp_trap(a64_dec *d);
/* Load (`load`) or store of SIMD&FP register vt, 1 << size bytes (size 0..4:
 * B, H, S, D, Q) at r[base] + off; a load zeroes the rest of the register. */
void a64_fp_access(a64_dec *d, int load, unsigned size, unsigned vt, int base, int32_t off);
/* AdvSIMD load/store multiple and single structures (C4.1.88,
 * decode_ldst_fp.c); data processing, scalar FP and AdvSIMD (C4.1.90,
 * decode_fp.c, decode_simd.c). Return nonzero if the block ends. */
int a64_simd_ldst(a64_dec *d);
int a64_fp_simd(a64_dec *d);
int a64_fp_scalar(a64_dec *d);
int a64_simd(a64_dec *d);

#endif
