/* A64 loads and stores (Arm ARM C4.1.88) of the general-purpose registers:
 * single registers with every addressing mode, pairs, literals and
 * load-acquire/store-release become IR loads and stores (address in a
 * temporary, writeback after the access so a fault leaves the base as it
 * was); exclusives, CAS, LSE atomics and LDTR/STTR are helpers. The same
 * encodings with V = 1 (bit 26) access the SIMD&FP registers through
 * a64_fp_access (decode_ldst_fp.c), as do the AdvSIMD structure loads and
 * stores (a64_simd_ldst). */
#include "arch/arm64/decode.h"
#include "arch/arm64/helpers.h"

/* IR opcodes by access size (log2 bytes): stores, zero-extending loads,
 * loads sign-extended to 64 bits. */
static const uint8_t store_op[4] = {IR_SB, IR_SH, IR_SW, IR_SD};
static const uint8_t load_op[4] = {IR_LBU, IR_LHU, IR_LWU, IR_LD};
static const uint8_t load_signed_op[4] = {IR_LB, IR_LH, IR_LW, IR_LD};

/* The access kinds of a load/store register encoding's opc (C4.1.88). */
enum { K_STORE, K_LOAD, K_LOAD_S64, K_LOAD_S32, K_PREFETCH, K_BAD };

static int access_kind(unsigned size, unsigned opc)
{
    if (opc == 0)
        return K_STORE;
    if (opc == 1)
        return K_LOAD;
    if (opc == 2)
        return size == 3 ? K_PREFETCH : K_LOAD_S64;
    return size < 2 ? K_LOAD_S32 : K_BAD;
}

/* One access of register rt at r[base] + off. */
static void access(a64_dec *d, int kind, unsigned size, unsigned rt, int base, int32_t off)
{
    if (d->align && size) { /* alignment fault unless aligned (A64H_ALIGN: aux = size | write << 8) */
        a64_emit(d, IR_ADDI, A64_T2, base, 0, off, 0);
        a64_emit(d, IR_HELPER, 0, A64_T2, 0, A64H_ALIGN, size | (kind == K_STORE) << 8);
    }
    if (kind == K_STORE) {
        a64_emit(d, store_op[size], 0, base, a64_xr(rt), off, 4);
        return;
    }
    int dst = a64_xw(rt);
    a64_emit(d, kind == K_LOAD ? load_op[size] : load_signed_op[size], dst, base, 0, off, 4);
    if (kind == K_LOAD_S32)
        a64_zext32(d, dst);
}

/* LDR (literal), LDRSW (literal), PRFM (literal). */
static int literal(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned opc = i >> 30;
    int64_t off = (int64_t)(((int32_t)(i << 8) >> 13) * 4);
    if ((i >> 26) & 1) { /* LDR (literal, SIMD&FP): S, D, Q */
        if (opc == 3)
            return a64_undefined(d);
        a64_movi(d, A64_T0, d->b->vpc + d->off + (uint64_t)off);
        a64_fp_access(d, 1, 2 + opc, i & 31, A64_T0, 0);
        return 0;
    }
    if (opc == 3)
        return 0; /* PRFM */
    a64_movi(d, A64_T0, d->b->vpc + d->off + (uint64_t)off);
    access(d, opc == 2 ? K_LOAD_S64 : K_LOAD, opc == 0 ? 2 : opc == 1 ? 3 : 2, i & 31, A64_T0, 0);
    return 0;
}

/* LDP, STP, LDPSW, LDNP, STNP. */
static int pair(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned opc = i >> 30, type = (i >> 23) & 3, load = (i >> 22) & 1, rn = (i >> 5) & 31, v = (i >> 26) & 1;
    if (opc == 3 || (!v && opc == 1 && (!load || type == 0)))
        return a64_undefined(d);
    unsigned size = v ? 2 + opc : opc == 2 ? 3 : 2; /* SIMD&FP: S, D, Q */
    int32_t off = ((int32_t)(i << 10) >> 25) * (1 << size);
    int kind = !load ? K_STORE : opc == 1 ? K_LOAD_S64 : K_LOAD;
    a64_emit(d, IR_ADDI, A64_T0, a64_xr_sp(rn), 0, type == 1 ? 0 : off, 0);
    if (v) {
        a64_fp_access(d, load, size, i & 31, A64_T0, 0);
        a64_fp_access(d, load, size, (i >> 10) & 31, A64_T0, 1 << size);
    } else {
        access(d, kind, size, i & 31, A64_T0, 0);
        access(d, kind, size, (i >> 10) & 31, A64_T0, 1 << size);
    }
    if (type == 1 || type == 3)
        a64_emit(d, IR_ADDI, a64_xw_sp(rn), A64_T0, 0, type == 1 ? off : 0, 0);
    return 0;
}

/* Load-acquire/store-release (plain accesses here: one CPU runs at a time),
 * and the exclusives and CAS, which are helpers. */
static int exclusive(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned size = i >> 30, o2 = (i >> 23) & 1, load = (i >> 22) & 1, o1 = (i >> 21) & 1;
    if (o2 && !o1) { /* LDAR, STLR, LDLAR, STLLR */
        access(d, load ? K_LOAD : K_STORE, size, i & 31, a64_xr_sp((i >> 5) & 31), 0);
        return 0;
    }
    a64_helper(d, A64H_EXCL, 0, 0, 0, 0);
    return 0;
}

/* Register offset: T0 = rn + extend(rm) << shift. */
static int reg_offset_address(a64_dec *d, unsigned option, unsigned shift)
{
    uint32_t i = d->insn;
    int rn = a64_xr_sp((i >> 5) & 31), rm = a64_xr((i >> 16) & 31);
    static const uint8_t add64[4] = {IR_ADD, IR_SH1ADD, IR_SH2ADD, IR_SH3ADD};
    static const uint8_t adduw[4] = {IR_ADDUW, IR_SH1ADDUW, IR_SH2ADDUW, IR_SH3ADDUW};
    if (option == 6) { /* SXTW */
        a64_emit(d, IR_ADDIW, A64_T0, rm, 0, 0, 0);
        rm = A64_T0;
    }
    if (shift == 4) { /* a Q register: rn + (extend(rm) << 4) */
        a64_emit(d, option == 2 ? IR_SLLIUW : IR_SLLI, A64_T0, rm, 0, 4, 0);
        a64_emit(d, IR_ADD, A64_T0, rn, A64_T0, 0, 0);
        return A64_T0;
    }
    if (option == 2)
        a64_emit(d, adduw[shift], A64_T0, rm, rn, 0, 0);
    else if (shift == 0)
        a64_emit(d, IR_ADD, A64_T0, rn, rm, 0, 0);
    else
        a64_emit(d, add64[shift], A64_T0, rm, rn, 0, 0);
    return A64_T0;
}

/* LDR/STR (SIMD&FP) of B, H, S, D and Q registers in every addressing mode
 * but the unprivileged one. */
static int single_fp(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned opc = (i >> 22) & 3, rt = i & 31, rn = (i >> 5) & 31, op4 = (i >> 10) & 3;
    unsigned size = opc & 2 ? 4 : i >> 30, load = opc & 1;
    if ((opc & 2) && (i >> 30))
        return a64_undefined(d);
    if ((i >> 24) & 1) { /* unsigned immediate offset */
        a64_fp_access(d, (int)load, size, rt, a64_xr_sp(rn), (int32_t)(((i >> 10) & 0xfff) << size));
        return 0;
    }
    if ((i >> 21) & 1) { /* register offset */
        unsigned option = (i >> 13) & 7;
        if (op4 != 2 || !(option & 2))
            return a64_undefined(d);
        int base = reg_offset_address(d, option, (i >> 12) & 1 ? size : 0);
        a64_fp_access(d, (int)load, size, rt, base, 0);
        return 0;
    }
    int32_t imm9 = (int32_t)(i << 11) >> 23;
    if (op4 == 0) { /* LDUR, STUR */
        a64_fp_access(d, (int)load, size, rt, a64_xr_sp(rn), imm9);
        return 0;
    }
    if (op4 == 2)
        return a64_undefined(d);
    a64_emit(d, IR_ADDI, A64_T0, a64_xr_sp(rn), 0, op4 == 3 ? imm9 : 0, 0);
    a64_fp_access(d, (int)load, size, rt, A64_T0, 0);
    a64_emit(d, IR_ADDI, a64_xw_sp(rn), A64_T0, 0, op4 == 1 ? imm9 : 0, 0);
    return 0;
}

/* LDR/STR (register) of every addressing mode, LSE atomics, LDTR/STTR. */
static int single(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned size = i >> 30, opc = (i >> 22) & 3, rt = i & 31, rn = (i >> 5) & 31;
    if ((i >> 26) & 1)
        return single_fp(d);
    int kind = access_kind(size, opc);
    if ((i >> 24) & 1) { /* unsigned immediate offset */
        if (kind == K_BAD)
            return a64_undefined(d);
        if (kind != K_PREFETCH)
            access(d, kind, size, rt, a64_xr_sp(rn), (int32_t)(((i >> 10) & 0xfff) << size));
        return 0;
    }
    unsigned op4 = (i >> 10) & 3;
    if ((i >> 21) & 1) {
        if (op4 == 0) { /* atomic memory operations */
            a64_helper(d, A64H_ATOMIC, 0, 0, 0, 0);
            return 0;
        }
        unsigned option = (i >> 13) & 7;
        if (op4 != 2 || !(option & 2) || kind == K_BAD)
            return a64_undefined(d);
        if (kind == K_PREFETCH)
            return 0;
        int base = reg_offset_address(d, option, (i >> 12) & 1 ? size : 0);
        access(d, kind, size, rt, base, 0);
        return 0;
    }
    int32_t imm9 = (int32_t)(i << 11) >> 23;
    if (kind == K_BAD)
        return a64_undefined(d);
    switch (op4) {
    case 0: /* unscaled (LDUR, STUR, PRFUM) */
        if (kind != K_PREFETCH)
            access(d, kind, size, rt, a64_xr_sp(rn), imm9);
        return 0;
    case 2: /* unprivileged (LDTR, STTR) */
        if (kind == K_PREFETCH)
            return a64_undefined(d);
        a64_helper(d, A64H_LDST_UNPRIV, 0, 0, 0, 0);
        return 0;
    default: /* post-index (1), pre-index (3) */
        if (kind == K_PREFETCH)
            return a64_undefined(d);
        a64_emit(d, IR_ADDI, A64_T0, a64_xr_sp(rn), 0, op4 == 3 ? imm9 : 0, 0);
        access(d, kind, size, rt, A64_T0, 0);
        a64_emit(d, IR_ADDI, a64_xw_sp(rn), A64_T0, 0, op4 == 1 ? imm9 : 0, 0);
        return 0;
    }
}

int a64_load_store(a64_dec *d)
{
    uint32_t i = d->insn;
    if ((i >> 26) & 1 && d->fptrap)
        return a64_fp_trap(d);
    if ((i & 0xbe000000) == 0x0c000000) /* AdvSIMD load/store multiple and single structures */
        return a64_simd_ldst(d);
    if ((i & 0x3f000000) == 0x08000000)
        return exclusive(d);
    if ((i & 0x3b000000) == 0x18000000)
        return literal(d);
    if ((i & 0x3a000000) == 0x28000000)
        return pair(d);
    if ((i & 0x3a000000) == 0x38000000)
        return single(d);
    return a64_undefined(d);
}
