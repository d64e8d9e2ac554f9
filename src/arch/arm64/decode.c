/* A64 decoder: guest code -> IR block. Arm ARM C4.1 (the A64 encoding
 * index): the top-level groups by op0 (bits 28:25), then each group's
 * encodings. Integer instructions become IR ops; system instructions,
 * exclusives and atomics, and rare data processing become helpers; SIMD&FP
 * data processing is decoded in decode_fp.c and decode_simd.c. */
#include <string.h>

#include "arch/arm64/cpu.h"
#include "arch/arm64/decode.h"
#include "arch/arm64/helpers.h"

#define BLOCK_MAX_INSNS 64
#define OPS_PER_INSN_MAX 10/* the most ops one instruction emits */

/* Emit one op for the current instruction. */
ir_op *a64_emit(a64_dec *d, int opc, int rd, int rs1, int rs2, int32_t imm, uint32_t aux)
{
    ir_op *o = &d->b->ops[d->b->nops++];
    o->opc = (uint8_t)opc, o->rd = (uint8_t)rd, o->rs1 = (uint8_t)rs1, o->rs2 = (uint8_t)rs2;
    o->imm = imm;
    o->aux = aux;
    o->pc_off = (uint16_t)d->off;
    o->insns_after = d->b->ninsns; /* fixed up at the end of the block */
    return o;
}

void a64_movi(a64_dec *d, int rd, uint64_t v) { a64_emit(d, IR_MOVI, rd, 0, 0, (int32_t)(uint32_t)v, (uint32_t)(v >> 32)); }

/* rd = zero-extended low 32 bits of rd (a W result). */
void a64_zext32(a64_dec *d, int rd)
{
    if (rd != IR_ZERO_SINK)
        a64_emit(d, IR_ADDUW, rd, rd, 0, 0, 0);
}

/* A helper; `end`: it ends the block (HELPER_END). */
void a64_helper(a64_dec *d, int idx, int rd, int rs1, int rs2, int end)
{
    a64_emit(d, end ? IR_HELPER_END : IR_HELPER, rd, rs1, rs2, idx, d->insn);
    d->end |= end;
}

int a64_undefined(a64_dec *d)
{
    a64_helper(d, A64H_UNDEFINED, 0, 0, 0, 1);
    return 1;
}

/* rd = rs & mask, with ANDI when the mask is a sign-extended 32-bit value. */
void a64_and_imm(a64_dec *d, int rd, int rs, uint64_t mask)
{
    if ((uint64_t)(int64_t)(int32_t)mask == mask) {
        a64_emit(d, IR_ANDI, rd, rs, 0, (int32_t)mask, 0);
    } else {
        a64_movi(d, A64_T3, mask);
        a64_emit(d, IR_AND, rd, rs, A64_T3, 0, 0);
    }
}

/* ---- Data processing, immediate (C4.1.86) ---- */

/* DecodeBitMasks (Arm ARM J1, shared/functions/bitmasks): the bitmask
 * immediate of N:immr:imms for `bits` (32 or 64); 0 if reserved. */
static uint64_t bitmask_imm(unsigned n, unsigned immr, unsigned imms, unsigned bits)
{
    unsigned combined = (n << 6) | (~imms & 0x3f);
    if (!(combined & 0x7f))
        return 0;
    unsigned len = 31 - (unsigned)__builtin_clz(combined), esize = 1u << len, levels = esize - 1;
    if (len < 1 || esize > bits || (imms & levels) == levels)
        return 0;
    unsigned s = imms & levels, r = immr & levels;
    uint64_t welem = s + 1 == 64 ? ~0ull : (1ull << (s + 1)) - 1;
    uint64_t emask = esize == 64 ? ~0ull : (1ull << esize) - 1;
    if (r)
        welem = ((welem >> r) | (welem << (esize - r))) & emask;
    uint64_t v = 0;
    for (unsigned i = 0; i < bits; i += esize)
        v |= welem << i;
    return v;
}

static int dp_imm(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned sf = i >> 31, rd = i & 31, rn = (i >> 5) & 31;
    uint64_t pc = d->b->vpc + d->off;
    switch ((i >> 23) & 7) {
    case 0: case 1: { /* ADR, ADRP */
        int64_t imm = (int64_t)(((uint64_t)((i >> 5) & 0x7ffff) << 2 | ((i >> 29) & 3)) << 43) >> 43;
        a64_movi(d, a64_xw(rd), (i >> 31) ? (pc & ~0xfffull) + ((uint64_t)imm << 12) : pc + (uint64_t)imm);
        return 0;
    }
    case 2: { /* ADD/ADDS/SUB/SUBS (immediate) */
        unsigned op = (i >> 30) & 1, s = (i >> 29) & 1;
        int32_t imm = (int32_t)(((i >> 10) & 0xfff) << ((i >> 22) & 1 ? 12 : 0));
        int dst = s ? a64_xw(rd) : a64_xw_sp(rd), src = a64_xr_sp(rn);
        if (s) {
            a64_movi(d, A64_T0, (uint64_t)(uint32_t)imm);
            a64_emit(d, op ? (sf ? IR_NZCV_SUB : IR_NZCV_SUBW) : (sf ? IR_NZCV_ADD : IR_NZCV_ADDW), A64_NZCV, src,
                     A64_T0, 0, 0);
        }
        a64_emit(d, IR_ADDI, dst, src, 0, op ? -imm : imm, 0);
        if (!sf)
            a64_zext32(d, dst);
        return 0;
    }
    case 4: { /* AND/ORR/EOR/ANDS (immediate) */
        unsigned opc = (i >> 29) & 3, n = (i >> 22) & 1;
        if (!sf && n)
            return a64_undefined(d);
        uint64_t imm = bitmask_imm(n, (i >> 16) & 0x3f, (i >> 10) & 0x3f, sf ? 64 : 32);
        if (!imm)
            return a64_undefined(d);
        static const uint8_t ops[4] = {IR_AND, IR_OR, IR_XOR, IR_AND};
        int dst = opc == 3 ? a64_xw(rd) : a64_xw_sp(rd);
        if (dst == IR_ZERO_SINK && opc == 3)
            dst = A64_T1; /* TST: the flags of a result not kept */
        a64_movi(d, A64_T0, imm);
        a64_emit(d, ops[opc], dst, a64_xr(rn), A64_T0, 0, 0);
        if (!sf)
            a64_zext32(d, dst);
        if (opc == 3)
            a64_emit(d, sf ? IR_NZCV_LOGIC : IR_NZCV_LOGICW, A64_NZCV, dst, 0, 0, 0);
        return 0;
    }
    case 5: { /* MOVN/MOVZ/MOVK */
        unsigned opc = (i >> 29) & 3, hw = (i >> 21) & 3;
        uint64_t imm = (uint64_t)((i >> 5) & 0xffff) << (16 * hw);
        if (opc == 1 || (!sf && hw > 1))
            return a64_undefined(d);
        int dst = a64_xw(rd);
        if (opc == 0)
            a64_movi(d, dst, sf ? ~imm : ~imm & 0xffffffffull);
        else if (opc == 2)
            a64_movi(d, dst, imm);
        else {
            a64_and_imm(d, dst, a64_xr(rd), ~(0xffffull << (16 * hw)));
            a64_movi(d, A64_T0, imm);
            a64_emit(d, IR_OR, dst, dst, A64_T0, 0, 0);
            if (!sf)
                a64_zext32(d, dst);
        }
        return 0;
    }
    case 6: { /* SBFM/BFM/UBFM */
        unsigned opc = (i >> 29) & 3, n = (i >> 22) & 1, immr = (i >> 16) & 0x3f, imms = (i >> 10) & 0x3f;
        unsigned size = sf ? 64 : 32;
        if (opc == 3 || n != sf || immr >= size || imms >= size)
            return a64_undefined(d);
        int dst = a64_xw(rd), src = a64_xr(rn);
        if (opc == 1) { /* BFM: insert a field of rn into rd */
            unsigned width = imms >= immr ? imms - immr + 1 : imms + 1, lsb = imms >= immr ? 0 : size - immr;
            uint64_t fmask = (width == 64 ? ~0ull : (1ull << width) - 1);
            a64_emit(d, IR_SRLI, A64_T1, src, 0, imms >= immr ? (int32_t)immr : 0, 0);
            a64_and_imm(d, A64_T1, A64_T1, fmask);
            a64_emit(d, IR_SLLI, A64_T1, A64_T1, 0, (int32_t)lsb, 0);
            a64_and_imm(d, A64_T2, a64_xr(rd), ~(fmask << lsb));
            a64_emit(d, IR_OR, dst, A64_T2, A64_T1, 0, 0);
        } else { /* SBFM, UBFM: the field extended, at bit 0 or shifted left */
            int right = opc == 0 ? IR_SRAI : IR_SRLI;
            a64_emit(d, IR_SLLI, A64_T1, src, 0, (int32_t)(63 - imms), 0);
            if (imms >= immr) {
                a64_emit(d, right, dst, A64_T1, 0, (int32_t)(63 - imms + immr), 0);
            } else {
                a64_emit(d, right, A64_T1, A64_T1, 0, (int32_t)(63 - imms), 0);
                a64_emit(d, IR_SLLI, dst, A64_T1, 0, (int32_t)(size - immr), 0);
            }
        }
        if (!sf)
            a64_zext32(d, dst);
        return 0;
    }
    case 7: { /* EXTR */
        unsigned n = (i >> 22) & 1, rm = (i >> 16) & 31, lsb = (i >> 10) & 0x3f;
        if (n != sf || ((i >> 29) & 3) || (i >> 21) & 1 || (!sf && lsb > 31))
            return a64_undefined(d);
        int dst = a64_xw(rd);
        if (lsb == 0) {
            a64_emit(d, IR_ADDI, dst, a64_xr(rm), 0, 0, 0);
        } else if (sf) {
            a64_emit(d, IR_SRLI, A64_T1, a64_xr(rm), 0, (int32_t)lsb, 0);
            a64_emit(d, IR_SLLI, A64_T2, a64_xr(rn), 0, (int32_t)(64 - lsb), 0);
            a64_emit(d, IR_OR, dst, A64_T1, A64_T2, 0, 0);
        } else {
            a64_emit(d, IR_SRLIW, A64_T1, a64_xr(rm), 0, (int32_t)lsb, 0);
            a64_zext32(d, A64_T1);
            a64_emit(d, IR_SLLI, A64_T2, a64_xr(rn), 0, (int32_t)(32 - lsb), 0);
            a64_emit(d, IR_OR, dst, A64_T1, A64_T2, 0, 0);
        }
        if (!sf)
            a64_zext32(d, dst);
        return 0;
    }
    default:
        return a64_undefined(d);
    }
}

/* ---- Branches, exception generation, system (C4.1.87) ---- */

static int branch_sys(a64_dec *d)
{
    uint32_t i = d->insn;
    if ((i & 0x7c000000) == 0x14000000) { /* B, BL */
        int32_t off = (int32_t)(i << 6) >> 4;
        a64_emit(d, IR_JAL, (i >> 31) ? A64_X(30) : IR_ZERO_SINK, 0, 0, off, 4);
        return 1;
    }
    if ((i & 0x7e000000) == 0x34000000) { /* CBZ, CBNZ */
        int32_t off = ((int32_t)(i << 8) >> 13) * 4;
        int rt = a64_xr(i & 31);
        if (!(i >> 31)) {
            a64_emit(d, IR_ADDUW, A64_T0, rt, 0, 0, 0);
            rt = A64_T0;
        }
        a64_emit(d, (i >> 24) & 1 ? IR_BNE : IR_BEQ, 0, rt, 0, off, 0);
        return 1;
    }
    if ((i & 0x7e000000) == 0x36000000) { /* TBZ, TBNZ */
        int32_t off = ((int32_t)(i << 13) >> 18) * 4;
        unsigned bit = ((i >> 31) << 5) | ((i >> 19) & 31);
        a64_emit(d, IR_BEXTI, A64_T0, a64_xr(i & 31), 0, (int32_t)bit, 0);
        a64_emit(d, (i >> 24) & 1 ? IR_BNE : IR_BEQ, 0, A64_T0, 0, off, 0);
        return 1;
    }
    if ((i & 0xff000010) == 0x54000000) { /* B.cond */
        int32_t off = ((int32_t)(i << 8) >> 13) * 4;
        unsigned cond = i & 15;
        if (cond >= 14) {
            a64_emit(d, IR_JAL, IR_ZERO_SINK, 0, 0, off, 4);
        } else {
            a64_emit(d, IR_COND, A64_T0, A64_NZCV, 0, (int32_t)cond, 0);
            a64_emit(d, IR_BNE, 0, A64_T0, 0, off, 0);
        }
        return 1;
    }
    if ((i & 0xfe000000) == 0xd6000000) { /* unconditional branch (register) */
        unsigned opc = (i >> 21) & 15, rn = (i >> 5) & 31;
        if ((i & 0x001ffc1f) != 0x001f0000)
            return a64_undefined(d);
        if (opc <= 2) { /* BR, BLR, RET */
            a64_emit(d, IR_JMPR, opc == 1 ? A64_X(30) : IR_ZERO_SINK, a64_xr(rn), 0, 0, 4);
            return 1;
        }
        if (opc == 4 && rn == 31) {
            a64_helper(d, A64H_ERET, 0, 0, 0, 1);
            return 1;
        }
        return a64_undefined(d);
    }
    if ((i & 0xff000000) == 0xd4000000) { /* exception generation */
        static const uint8_t helper[8][4] = {
            [0] = {0, A64H_SVC, A64H_HVC, A64H_SMC}, [1] = {A64H_BRK}, [2] = {A64H_HLT},
        };
        unsigned opc = (i >> 21) & 7, ll = i & 3;
        if ((i >> 2) & 7 || !helper[opc][ll])
            return a64_undefined(d);
        a64_helper(d, helper[opc][ll], 0, 0, 0, 1);
        return 1;
    }
    if ((i & 0xffc00000) == 0xd5000000)
        return a64_system(d);
    return a64_undefined(d);
}

/* ---- Data processing, register (C4.1.89) ---- */

/* T0 = rm shifted by `type` (LSL, LSR, ASR, ROR) `amount` in 32 or 64 bits. */
static int shifted(a64_dec *d, unsigned rm, unsigned type, unsigned amount, int sf)
{
    static const uint8_t ops[2][4] = {{IR_SLLI, IR_SRLIW, IR_SRAIW, IR_RORIW}, {IR_SLLI, IR_SRLI, IR_SRAI, IR_RORI}};
    if (!amount)
        return a64_xr(rm);
    a64_emit(d, ops[sf][type], A64_T0, a64_xr(rm), 0, (int32_t)amount, 0);
    return A64_T0;
}

/* T0 = rm extended by `option` (UXTB..SXTX) and shifted left by `shift`. */
static int extended(a64_dec *d, unsigned rm, unsigned option, unsigned shift)
{
    int src = a64_xr(rm);
    switch (option) {
    case 0: a64_emit(d, IR_ANDI, A64_T0, src, 0, 0xff, 0); break;
    case 1: a64_emit(d, IR_ZEXTH, A64_T0, src, 0, 0, 0); break;
    case 2: a64_emit(d, IR_ADDUW, A64_T0, src, 0, 0, 0); break;
    case 4: a64_emit(d, IR_SEXTB, A64_T0, src, 0, 0, 0); break;
    case 5: a64_emit(d, IR_SEXTH, A64_T0, src, 0, 0, 0); break;
    case 6: a64_emit(d, IR_ADDIW, A64_T0, src, 0, 0, 0); break;
    default: /* UXTX, SXTX */
        if (!shift)
            return src;
        a64_emit(d, IR_ADDI, A64_T0, src, 0, 0, 0);
    }
    if (shift)
        a64_emit(d, IR_SLLI, A64_T0, A64_T0, 0, (int32_t)shift, 0);
    return A64_T0;
}

/* ADD/SUB with operand 2 in register `op2`: flags first (S), then rd. */
static void add_sub(a64_dec *d, int sf, int sub, int s, int dst, int src, int op2)
{
    if (s)
        a64_emit(d, sub ? (sf ? IR_NZCV_SUB : IR_NZCV_SUBW) : (sf ? IR_NZCV_ADD : IR_NZCV_ADDW), A64_NZCV, src, op2,
                 0, 0);
    a64_emit(d, sub ? IR_SUB : IR_ADD, dst, src, op2, 0, 0);
    if (!sf)
        a64_zext32(d, dst);
}

/* Conditional compare (CCMN/CCMP, register or immediate). */
static int cond_compare(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned sf = i >> 31, sub = (i >> 30) & 1, cond = (i >> 12) & 15, rn = (i >> 5) & 31;
    if (!((i >> 29) & 1) || (i >> 10) & 1 || (i >> 4) & 1)
        return a64_undefined(d);
    int op2 = A64_T1;
    if ((i >> 11) & 1)
        a64_movi(d, A64_T1, (i >> 16) & 31);
    else
        op2 = a64_xr((i >> 16) & 31);
    a64_emit(d, IR_COND, A64_T0, A64_NZCV, 0, (int32_t)cond, 0);
    a64_emit(d, sub ? (sf ? IR_NZCV_SUB : IR_NZCV_SUBW) : (sf ? IR_NZCV_ADD : IR_NZCV_ADDW), A64_T2, a64_xr(rn), op2, 0,
             0);
    a64_movi(d, A64_T3, (uint64_t)(i & 15) << 28);
    a64_emit(d, IR_SEL, A64_NZCV, A64_T2, A64_T3, 0, A64_T0);
    return 0;
}

/* CSEL, CSINC, CSINV, CSNEG. */
static int cond_select(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned sf = i >> 31, op = (i >> 30) & 1, o2 = (i >> 10) & 1;
    if ((i >> 29) & 1 || (i >> 11) & 1)
        return a64_undefined(d);
    int rm = a64_xr((i >> 16) & 31), dst = a64_xw(i & 31);
    a64_emit(d, IR_COND, A64_T0, A64_NZCV, 0, (int32_t)((i >> 12) & 15), 0);
    if (op == 0 && o2 == 0)
        a64_emit(d, IR_ADDI, A64_T1, rm, 0, 0, 0);
    else if (op == 0)
        a64_emit(d, IR_ADDI, A64_T1, rm, 0, 1, 0);
    else if (o2 == 0)
        a64_emit(d, IR_XORI, A64_T1, rm, 0, -1, 0);
    else
        a64_emit(d, IR_SUB, A64_T1, 0, rm, 0, 0);
    a64_emit(d, IR_SEL, dst, a64_xr((i >> 5) & 31), A64_T1, 0, A64_T0);
    if (!sf)
        a64_zext32(d, dst);
    return 0;
}

/* Data processing (2 source): UDIV, SDIV, shifts by register, CRC32. */
static int dp_2src(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned sf = i >> 31, opcode = (i >> 10) & 0x3f;
    int rn = a64_xr((i >> 5) & 31), rm = a64_xr((i >> 16) & 31), dst = a64_xw(i & 31);
    if ((i >> 29) & 1)
        return a64_undefined(d);
    if (opcode == 2 || opcode == 3) { /* UDIV, SDIV: x / 0 is 0 */
        int divisor = rm;
        if (!sf) {
            a64_emit(d, IR_ADDUW, A64_T1, rm, 0, 0, 0);
            divisor = A64_T1;
        }
        a64_emit(d, sf ? (opcode == 2 ? IR_DIVU : IR_DIV) : (opcode == 2 ? IR_DIVUW : IR_DIVW), A64_T0, rn, rm, 0, 0);
        a64_emit(d, IR_SEL, dst, A64_T0, 0, 0, (uint32_t)divisor);
        if (!sf)
            a64_zext32(d, dst);
        return 0;
    }
    if (opcode >= 8 && opcode <= 11) { /* LSLV, LSRV, ASRV, RORV */
        static const uint8_t ops[2][4] = {{IR_SLLW, IR_SRLW, IR_SRAW, IR_RORW}, {IR_SLL, IR_SRL, IR_SRA, IR_ROR}};
        a64_emit(d, ops[sf][opcode - 8], dst, rn, rm, 0, 0);
        if (!sf)
            a64_zext32(d, dst);
        return 0;
    }
    if (opcode >= 16 && opcode <= 23 && (sf == ((opcode & 3) == 3))) { /* CRC32, CRC32C */
        a64_helper(d, A64H_CRC32, dst, rn, rm, 0);
        return 0;
    }
    return a64_undefined(d);
}

/* Data processing (1 source): RBIT, REV16, REV32, REV, CLZ, CLS. */
static int dp_1src(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned sf = i >> 31, opcode = (i >> 10) & 0x3f;
    int rn = a64_xr((i >> 5) & 31), dst = a64_xw(i & 31);
    if ((i >> 16) & 0x1f || (i >> 29) & 1)
        return a64_undefined(d);
    switch (opcode) {
    case 0: case 1: case 5: /* RBIT, REV16, CLS */
        a64_helper(d, A64H_BITS, dst, rn, 0, 0);
        return 0;
    case 2: /* REV32 (X), REV (W) */
        a64_emit(d, IR_REV8, dst, rn, 0, 0, 0);
        if (sf)
            a64_emit(d, IR_RORI, dst, dst, 0, 32, 0);
        else
            a64_emit(d, IR_SRLI, dst, dst, 0, 32, 0);
        return 0;
    case 3:
        if (!sf)
            return a64_undefined(d);
        a64_emit(d, IR_REV8, dst, rn, 0, 0, 0);
        return 0;
    case 4:
        a64_emit(d, sf ? IR_CLZ : IR_CLZW, dst, rn, 0, 0, 0);
        return 0;
    default:
        return a64_undefined(d);
    }
}

/* Data processing (3 source): MADD, MSUB, SMADDL, SMSUBL, UMADDL, UMSUBL, SMULH, UMULH. */
static int dp_3src(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned sf = i >> 31, op31 = (i >> 21) & 7, o0 = (i >> 15) & 1;
    int rn = a64_xr((i >> 5) & 31), rm = a64_xr((i >> 16) & 31), ra = a64_xr((i >> 10) & 31), dst = a64_xw(i & 31);
    if ((i >> 29) & 3)
        return a64_undefined(d);
    if (op31 == 0) {
        a64_emit(d, IR_MUL, A64_T0, rn, rm, 0, 0);
        a64_emit(d, o0 ? IR_SUB : IR_ADD, dst, ra, A64_T0, 0, 0);
        if (!sf)
            a64_zext32(d, dst);
        return 0;
    }
    if (!sf)
        return a64_undefined(d);
    if (op31 == 1 || op31 == 5) { /* (S|U)MADDL, (S|U)MSUBL: 32 x 32 -> 64 */
        int ext = op31 == 1 ? IR_ADDIW : IR_ADDUW;
        a64_emit(d, ext, A64_T0, rn, 0, 0, 0);
        a64_emit(d, ext, A64_T1, rm, 0, 0, 0);
        a64_emit(d, IR_MUL, A64_T0, A64_T0, A64_T1, 0, 0);
        a64_emit(d, o0 ? IR_SUB : IR_ADD, dst, ra, A64_T0, 0, 0);
        return 0;
    }
    if ((op31 == 2 || op31 == 6) && !o0) {
        a64_emit(d, op31 == 2 ? IR_MULH : IR_MULHU, dst, rn, rm, 0, 0);
        return 0;
    }
    return a64_undefined(d);
}

static int dp_reg(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned sf = i >> 31, op1 = (i >> 28) & 1, op2 = (i >> 21) & 15, rd = i & 31, rn = (i >> 5) & 31;
    unsigned rm = (i >> 16) & 31, imm6 = (i >> 10) & 0x3f;
    if (!op1 && !(op2 & 8)) { /* logical (shifted register) */
        static const uint8_t ops[8] = {IR_AND, IR_ANDN, IR_OR, IR_ORN, IR_XOR, IR_XNOR, IR_AND, IR_ANDN};
        unsigned opc = ((i >> 29) & 3) << 1 | ((i >> 21) & 1);
        if (!sf && imm6 > 31)
            return a64_undefined(d);
        int op = shifted(d, rm, (i >> 22) & 3, imm6, (int)sf);
        int dst = a64_xw(rd);
        if (opc >= 6 && dst == IR_ZERO_SINK)
            dst = A64_T1; /* TST */
        a64_emit(d, ops[opc], dst, a64_xr(rn), op, 0, 0);
        if (!sf)
            a64_zext32(d, dst);
        if (opc >= 6)
            a64_emit(d, sf ? IR_NZCV_LOGIC : IR_NZCV_LOGICW, A64_NZCV, dst, 0, 0, 0);
        return 0;
    }
    if (!op1) { /* add/subtract, shifted or extended register */
        unsigned sub = (i >> 30) & 1, s = (i >> 29) & 1;
        if (!(op2 & 1)) {
            unsigned type = (i >> 22) & 3;
            if (type == 3 || (!sf && imm6 > 31))
                return a64_undefined(d);
            int op = shifted(d, rm, type, imm6, (int)sf);
            add_sub(d, (int)sf, (int)sub, (int)s, a64_xw(rd), a64_xr(rn), op);
        } else {
            unsigned shift = (i >> 10) & 7;
            if ((i >> 22) & 3 || shift > 4)
                return a64_undefined(d);
            int op = extended(d, rm, (i >> 13) & 7, shift);
            add_sub(d, (int)sf, (int)sub, (int)s, s ? a64_xw(rd) : a64_xw_sp(rd), a64_xr_sp(rn), op);
        }
        return 0;
    }
    switch (op2) {
    case 0: /* ADC, ADCS, SBC, SBCS */
        if ((i >> 10) & 0x3f)
            return a64_undefined(d);
        a64_helper(d, A64H_ADC, a64_xw(rd), a64_xr(rn), a64_xr(rm), 0);
        return 0;
    case 2:
        return cond_compare(d);
    case 4:
        return cond_select(d);
    case 6:
        return (i >> 30) & 1 ? dp_1src(d) : dp_2src(d);
    default:
        return op2 & 8 ? dp_3src(d) : a64_undefined(d);
    }
}

/* One instruction. Returns nonzero if it ends the block. */
static int decode_insn(a64_dec *d)
{
    uint32_t op0 = (d->insn >> 25) & 15;
    if ((op0 & 14) == 8)
        return dp_imm(d) || d->end;
    if ((op0 & 14) == 10)
        return branch_sys(d) || d->end;
    if ((op0 & 5) == 4)
        return a64_load_store(d) || d->end;
    if ((op0 & 7) == 5)
        return dp_reg(d) || d->end;
    if ((op0 & 7) == 7)
        return a64_fp_simd(d) || d->end;
    return a64_undefined(d);
}

int a64_decode_block(ir_cpu *cpu, ir_block *b, const uint8_t *code, unsigned max_ops)
{
    unsigned page_left = PAGE_SIZE - (unsigned)(b->ppc & ~PAGE_MASK);
    unsigned max_insns = cpu->block_insns_max ? cpu->block_insns_max : BLOCK_MAX_INSNS;
    a64_dec d = {.b = b, .el = (int)A64_FLAGS_EL(b->flags), .align = (b->flags & A64_FLAGS_ALIGN) != 0,
                 .fptrap = (b->flags & A64_FLAGS_FPTRAP) != 0};
    int end = 0;
    if (b->vpc & 3) { /* PC alignment fault (Arm ARM D1.3.5) */
        d.insn = 0;
        a64_helper(&d, A64H_PC_ALIGN, 0, 0, 0, 1);
        b->ninsns = 1;
        end = 1;
    }
    while (!end && b->ninsns < max_insns && d.off + 4 <= page_left && b->nops + OPS_PER_INSN_MAX < max_ops) {
        memcpy(&d.insn, code + d.off, 4);
        end = decode_insn(&d);
        d.off += 4;
        b->ninsns++;
    }
    if (!end)
        a64_emit(&d, IR_NEXT, 0, 0, 0, 0, 0); /* insns_after becomes 0 below */
    for (unsigned k = 0; k < b->nops; k++)
        b->ops[k].insns_after = (uint16_t)(b->ninsns - b->ops[k].insns_after);
    b->len = (uint16_t)(b->vpc & 3 ? 4 : d.off);
    return IR_OK;
}
