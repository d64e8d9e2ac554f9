/* AdvSIMD data processing (Arm ARM C4.1.95 groups, C7.2 instructions): the
 * helper that picks the group of op->aux, and the integer groups: three
 * same, three different, two-register miscellaneous, across lanes, shift
 * by immediate and by element, in vector and scalar forms. Copies,
 * permutes and immediates are in simd_perm.c, floating point in simd_fp.c. */
#include "arch/arm64/fp.h"
#include "arch/arm64/simd.h"

__extension__ typedef __int128 i128;

/* FPSR.QC, set by a saturating operation that saturated. */
static void set_qc(ir_cpu *cpu) { ((a64_cpu *)cpu)->fpsr |= FPSR_QC; }

/* v saturated to a `size` element, signed or not; QC if it was. */
static uint64_t saturate(ir_cpu *cpu, i128 v, unsigned size, int is_signed)
{
    unsigned bits = 8u << size;
    i128 hi = is_signed ? ((i128)1 << (bits - 1)) - 1 : ((i128)1 << bits) - 1, lo = is_signed ? -hi - 1 : 0;
    if (v > hi || v < lo) {
        set_qc(cpu);
        v = v > hi ? hi : lo;
    }
    return (uint64_t)v & el_ones(size);
}

/* An element widened to 128 bits, signed or not. */
static i128 wide(const a64_vec *v, unsigned size, unsigned e, int is_signed)
{
    return is_signed ? (i128)sel_s(v, size, e) : (i128)vel(v, size, e);
}

/* a << sh (sh >= 0) or a >> -sh, rounded when `round` (shifts by register
 * and immediate: SSHL, URSHL, SRSHR ...). */
static i128 shift(i128 a, int sh, int round)
{
    if (sh >= 0)
        return sh >= 64 ? 0 : a << sh;
    int n = -sh > 64 ? 65 : -sh;
    return (a + (round ? (i128)1 << (n - 1) : 0)) >> n;
}

/* The result register: for a narrowing op with `q` the upper half of Vd
 * is written and the lower kept; for a scalar op one element. */
static void write_result(ir_cpu *cpu, unsigned d, const a64_vec *r, int q) { a64_vset(cpu, d, r, q); }

/* ---- three same ---- */

static int same(ir_cpu *cpu, uint32_t i, int scalar)
{
    unsigned q = (i >> 30) & 1, u = (i >> 29) & 1, size = (i >> 22) & 3, opcode = (i >> 11) & 31;
    unsigned n = (i >> 5) & 31, m = (i >> 16) & 31, d = i & 31;
    if (opcode >= 0x18)
        return a64_simd_fp_same(cpu, i, scalar);
    a64_vec vn = a64_vget(cpu, n), vm = a64_vget(cpu, m), vd = a64_vget(cpu, d), r = {{0}};
    if (opcode == 3) { /* AND BIC ORR ORN / EOR BSL BIT BIF */
        if (scalar)
            return -1;
        for (unsigned k = 0; k < 2; k++) {
            uint64_t a = vel(&vn, 3, k), b = vel(&vm, 3, k), c = vel(&vd, 3, k), x;
            switch (u << 2 | size) {
            case 0: x = a & b; break;
            case 1: x = a & ~b; break;
            case 2: x = a | b; break;
            case 3: x = a | ~b; break;
            case 4: x = a ^ b; break;
            case 5: x = (c & a) | (~c & b); break; /* BSL */
            case 6: x = (b & a) | (~b & c); break; /* BIT */
            default: x = (~b & a) | (b & c); break; /* BIF */
            }
            vset_el(&r, 3, k, x);
        }
        write_result(cpu, d, &r, (int)q);
        return 0;
    }
    static const uint8_t any_size[32] = {[1] = 1, [5] = 1, [6] = 1, [7] = 1, [8] = 1, [0xa] = 1, [0x10] = 1,
                                         [0x11] = 1, [0x17] = 1};
    static const uint8_t scalar_ok[32] = {[1] = 2, [5] = 2, [6] = 1, [7] = 1, [8] = 1, [0xa] = 1, [0x10] = 1, [0x11] = 1};
    if (scalar ? !scalar_ok[opcode] || (scalar_ok[opcode] == 1 && size != 3)
               : (size == 3 && (!q || !any_size[opcode])) || (opcode == 0x17 && u) || (opcode == 0x13 && u && size) ||
                     opcode == 0x16 || opcode == 9 || opcode == 0xb || (opcode == 0x12 && size == 3))
        return -1;
    unsigned elements = scalar ? 1 : (q ? 16 : 8) >> size;
    uint64_t ones = el_ones(size);
    int s = !u;
    if (opcode == 0x14 || opcode == 0x15 || opcode == 0x17) { /* pairwise over Vm:Vn */
        for (unsigned e = 0; e < elements; e++) {
            const a64_vec *src = 2 * e < elements ? &vn : &vm;
            unsigned k = (2 * e) % elements;
            i128 a = wide(src, size, k, s), b = wide(src, size, k + 1, s), x;
            if (opcode == 0x17)
                x = a + b;
            else
                x = (opcode == 0x14) == (a > b) ? a : b;
            vset_el(&r, size, e, (uint64_t)x & ones);
        }
        write_result(cpu, d, &r, (int)q);
        return 0;
    }
    for (unsigned e = 0; e < elements; e++) {
        i128 a = wide(&vn, size, e, s), b = wide(&vm, size, e, s), c = wide(&vd, size, e, s);
        uint64_t x;
        switch (opcode) {
        case 0x00: x = (uint64_t)((a + b) >> 1); break; /* SHADD, UHADD */
        case 0x01: x = saturate(cpu, a + b, size, s); break; /* SQADD, UQADD */
        case 0x02: x = (uint64_t)((a + b + 1) >> 1); break; /* SRHADD, URHADD */
        case 0x04: x = (uint64_t)((a - b) >> 1); break; /* SHSUB, UHSUB */
        case 0x05: x = saturate(cpu, a - b, size, s); break; /* SQSUB, UQSUB */
        case 0x06: x = a > b ? ones : 0; break; /* CMGT, CMHI */
        case 0x07: x = a >= b ? ones : 0; break; /* CMGE, CMHS */
        case 0x08: case 0x0a: /* SSHL, USHL, SRSHL, URSHL: by the signed low byte of Vm's element */
            x = (uint64_t)shift(a, (int8_t)vel(&vm, size, e), opcode == 0x0a);
            break;
        case 0x0c: x = (uint64_t)(a > b ? a : b); break; /* SMAX, UMAX */
        case 0x0d: x = (uint64_t)(a < b ? a : b); break; /* SMIN, UMIN */
        case 0x0e: x = (uint64_t)(a > b ? a - b : b - a); break; /* SABD, UABD */
        case 0x0f: x = (uint64_t)(c + (a > b ? a - b : b - a)); break; /* SABA, UABA */
        case 0x10: x = (uint64_t)(u ? a - b : a + b); break; /* ADD, SUB */
        case 0x11: x = (u ? a == b : (a & b) != 0) ? ones : 0; break; /* CMEQ, CMTST */
        case 0x12: x = (uint64_t)(u ? c - a * b : c + a * b); break; /* MLA, MLS */
        default: /* MUL, PMUL (bytes) */
            if (u) {
                uint64_t p = 0, ua = (uint64_t)a & 0xff, ub = (uint64_t)b & 0xff;
                for (unsigned k = 0; k < 8; k++)
                    if ((ub >> k) & 1)
                        p ^= ua << k;
                x = p;
            } else {
                x = (uint64_t)(a * b);
            }
            break;
        }
        vset_el(&r, size, e, x & ones);
    }
    write_result(cpu, d, &r, (int)q || scalar);
    return 0;
}

/* ---- three different: long, wide and narrow (high half) ---- */

static int different(ir_cpu *cpu, uint32_t i)
{
    unsigned q = (i >> 30) & 1, u = (i >> 29) & 1, size = (i >> 22) & 3, opcode = (i >> 12) & 15;
    unsigned n = (i >> 5) & 31, m = (i >> 16) & 31, d = i & 31, s = !u;
    if (size == 3 || opcode == 9 || opcode == 11 || opcode >= 13)
        return -1;
    a64_vec vn = a64_vget(cpu, n), vm = a64_vget(cpu, m), vd = a64_vget(cpu, d), r = {{0}};
    unsigned elements = 8 >> size, part = q * elements;
    uint64_t wones = el_ones(size + 1);
    if (opcode == 4 || opcode == 6) { /* ADDHN, RADDHN, SUBHN, RSUBHN: the high halves of wide sums */
        if (q)
            r = vd;
        for (unsigned e = 0; e < elements; e++) {
            uint64_t a = vel(&vn, size + 1, e), b = vel(&vm, size + 1, e);
            uint64_t x = (opcode == 4 ? a + b : a - b) + (u ? 1ull << ((8u << size) - 1) : 0);
            vset_el(&r, size, part + e, (x & wones) >> (8u << size));
        }
        write_result(cpu, d, &r, 1);
        return 0;
    }
    for (unsigned e = 0; e < elements; e++) {
        int wide_n = opcode == 1 || opcode == 3;
        i128 a = wide_n ? wide(&vn, size + 1, e, (int)s) : wide(&vn, size, part + e, (int)s);
        i128 b = wide(&vm, size, part + e, (int)s), c = (i128)vel(&vd, size + 1, e), x;
        switch (opcode) {
        case 0: case 1: x = a + b; break; /* ADDL, ADDW */
        case 2: case 3: x = a - b; break; /* SUBL, SUBW */
        case 5: x = c + (a > b ? a - b : b - a); break; /* ABAL */
        case 7: x = a > b ? a - b : b - a; break; /* ABDL */
        case 8: x = c + a * b; break; /* MLAL */
        case 10: x = c - a * b; break; /* MLSL */
        default: x = a * b; break; /* MULL */
        }
        vset_el(&r, size + 1, e, (uint64_t)x & wones);
    }
    write_result(cpu, d, &r, 1);
    return 0;
}

/* ---- two-register miscellaneous ---- */

static int misc(ir_cpu *cpu, uint32_t i, int scalar)
{
    unsigned q = (i >> 30) & 1, u = (i >> 29) & 1, size = (i >> 22) & 3, opcode = (i >> 12) & 31;
    unsigned n = (i >> 5) & 31, d = i & 31, s = !u;
    if ((opcode >= 0x0c && opcode <= 0x0f) || opcode >= 0x16)
        return a64_simd_fp_misc(cpu, i, scalar);
    a64_vec vn = a64_vget(cpu, n), vd = a64_vget(cpu, d), r = {{0}};
    unsigned elements = scalar ? 1 : (q ? 16 : 8) >> size;
    uint64_t ones = el_ones(size);
    if (opcode == 0x12 || opcode == 0x14) { /* XTN, SQXTUN, SQXTN, UQXTN: narrow from size + 1 */
        if (size == 3 || (scalar && opcode == 0x12 && !u))
            return -1;
        unsigned ne = scalar ? 1 : 8 >> size, part = scalar ? 0 : q * ne;
        if (q && !scalar)
            r = vd;
        for (unsigned e = 0; e < ne; e++) {
            i128 a = wide(&vn, size + 1, e, opcode == 0x12 ? 1 : (int)s);
            uint64_t x = opcode == 0x12 && !u ? (uint64_t)a & ones : saturate(cpu, a, size, opcode == 0x14 && s);
            vset_el(&r, size, part + e, x);
        }
        write_result(cpu, d, &r, 1);
        return 0;
    }
    if (scalar && opcode != 7 && !(opcode >= 8 && opcode <= 0x0b && size == 3)) /* SQABS, SQNEG; CM* #0, ABS, NEG of D */
        return -1;
    if (!scalar && size == 3 && !q)
        return -1;
    switch (opcode) {
    case 0x00: case 0x01: { /* REV64, REV32, REV16: reverse elements in containers */
        unsigned csize = opcode ? 1 : u ? 2 : 3; /* log2 bytes of the container */
        if (size >= csize || (opcode && u))
            return -1;
        unsigned per = 1u << (csize - size);
        for (unsigned e = 0; e < elements; e++)
            vset_el(&r, size, e, vel(&vn, size, (e / per) * per + (per - 1 - e % per)));
        break;
    }
    case 0x02: case 0x06: /* SADDLP, UADDLP, SADALP, UADALP */
        if (size == 3)
            return -1;
        for (unsigned e = 0; e < elements / 2; e++) {
            i128 x = wide(&vn, size, 2 * e, (int)s) + wide(&vn, size, 2 * e + 1, (int)s);
            if (opcode == 6)
                x += (i128)vel(&vd, size + 1, e);
            vset_el(&r, size + 1, e, (uint64_t)x & el_ones(size + 1));
        }
        break;
    case 0x04: /* CLS, CLZ */
        if (size == 3)
            return -1;
        for (unsigned e = 0; e < elements; e++) {
            unsigned bits = 8u << size;
            uint64_t a = vel(&vn, size, e), x;
            if (!u)
                a = (a ^ (a >> 1)) & (ones >> 1); /* CLS: leading sign bits after the sign */
            x = a ? (uint64_t)__builtin_clzll(a) - (64 - bits) : bits;
            vset_el(&r, size, e, u ? x : x - 1);
        }
        break;
    case 0x05: /* CNT; NOT, RBIT */
        if (size > (u ? 1u : 0u))
            return -1;
        for (unsigned e = 0; e < (q ? 16u : 8u); e++) {
            uint64_t a = vn.b[e], x = 0;
            if (!u)
                x = (uint64_t)__builtin_popcountll(a);
            else if (size == 0)
                x = ~a & 0xff;
            else
                for (unsigned k = 0; k < 8; k++)
                    x |= ((a >> k) & 1) << (7 - k);
            r.b[e] = (uint8_t)x;
        }
        break;
    case 0x07: /* SQABS, SQNEG */
        for (unsigned e = 0; e < elements; e++) {
            i128 a = wide(&vn, size, e, 1);
            vset_el(&r, size, e, saturate(cpu, u ? -a : a < 0 ? -a : a, size, 1));
        }
        break;
    case 0x08: case 0x09: case 0x0a: /* CMGT, CMGE, CMEQ, CMLE, CMLT against zero */
        if (opcode == 0x0a && u)
            return -1;
        for (unsigned e = 0; e < elements; e++) {
            int64_t a = sel_s(&vn, size, e);
            int t = opcode == 8 ? (u ? a >= 0 : a > 0) : opcode == 9 ? (u ? a <= 0 : a == 0) : a < 0;
            vset_el(&r, size, e, t ? ones : 0);
        }
        break;
    case 0x0b: /* ABS, NEG */
        for (unsigned e = 0; e < elements; e++) {
            int64_t a = sel_s(&vn, size, e);
            vset_el(&r, size, e, (u || a < 0 ? 0 - (uint64_t)a : (uint64_t)a) & ones);
        }
        break;
    case 0x13: /* SHLL, SHLL2: widen and shift by the element size */
        if (!u || size == 3)
            return -1;
        for (unsigned e = 0; e < 8u >> size; e++)
            vset_el(&r, size + 1, e, vel(&vn, size, q * (8u >> size) + e) << (8u << size));
        write_result(cpu, d, &r, 1);
        return 0;
    default:
        return -1;
    }
    write_result(cpu, d, &r, (int)q && !scalar);
    return 0;
}

/* ---- across lanes ---- */

static int across(ir_cpu *cpu, uint32_t i)
{
    unsigned q = (i >> 30) & 1, u = (i >> 29) & 1, size = (i >> 22) & 3, opcode = (i >> 12) & 31;
    if (opcode == 0x0c || opcode == 0x0f)
        return a64_simd_fp_across(cpu, i);
    if (size == 3 || (size == 2 && !q) || !(opcode == 3 || opcode == 0x0a || opcode == 0x1a || (opcode == 0x1b && !u)))
        return -1;
    a64_vec vn = a64_vget(cpu, (i >> 5) & 31), r = {{0}};
    unsigned elements = (q ? 16 : 8) >> size, s = !u;
    i128 acc = wide(&vn, size, 0, (int)s);
    for (unsigned e = 1; e < elements; e++) {
        i128 a = wide(&vn, size, e, (int)s);
        if (opcode == 3 || opcode == 0x1b)
            acc += a;
        else if ((opcode == 0x0a) == (a > acc))
            acc = a;
    }
    unsigned rsize = opcode == 3 ? size + 1 : size;
    vset_el(&r, rsize, 0, (uint64_t)acc & el_ones(rsize));
    a64_vset(cpu, i & 31, &r, 0);
    return 0;
}

/* ---- shift by immediate ---- */

static int shift_imm(ir_cpu *cpu, uint32_t i, int scalar)
{
    unsigned q = (i >> 30) & 1, u = (i >> 29) & 1, immh = (i >> 19) & 15, opcode = (i >> 11) & 31;
    unsigned immhb = (i >> 16) & 127, n = (i >> 5) & 31, d = i & 31, s = !u;
    unsigned size = 31 - (unsigned)__builtin_clz(immh), bits = 8u << size;
    int right = (int)(2 * bits - immhb), left = (int)(immhb - bits);
    if (opcode == 0x1c || opcode == 0x1f)
        return a64_simd_fp_shift(cpu, i, scalar);
    a64_vec vn = a64_vget(cpu, n), vd = a64_vget(cpu, d), r = {{0}};
    uint64_t ones = el_ones(size);
    if (opcode >= 0x10 && opcode <= 0x14) { /* narrowing right shifts, and SSHLL/USHLL (long) */
        if (size == 3 || (scalar && (opcode == 0x14 || (opcode <= 0x11 && !u))))
            return -1;
        unsigned ne = scalar ? 1 : 8 >> size, part = scalar ? 0 : q * ne;
        if (opcode == 0x14) {
            for (unsigned e = 0; e < ne; e++)
                vset_el(&r, size + 1, e, (uint64_t)(wide(&vn, size, part + e, (int)s) << left) & el_ones(size + 1));
            write_result(cpu, d, &r, 1);
            return 0;
        }
        if (q && !scalar)
            r = vd;
        for (unsigned e = 0; e < ne; e++) { /* source signed: SQSHRUN, SQSHRN; saturated signed: SQSHRN */
            i128 a = shift(wide(&vn, size + 1, e, opcode >= 0x12 ? (int)s : (int)u), -right, opcode & 1);
            uint64_t x = opcode <= 0x11 && !u ? (uint64_t)a & ones : saturate(cpu, a, size, opcode >= 0x12 && s);
            vset_el(&r, size, part + e, x);
        }
        write_result(cpu, d, &r, 1);
        return 0;
    }
    if (scalar ? (size != 3 && opcode != 0x0c && opcode != 0x0e) : (size == 3 && !q))
        return -1;
    unsigned elements = scalar ? 1 : (q ? 16 : 8) >> size;
    for (unsigned e = 0; e < elements; e++) {
        i128 a = wide(&vn, size, e, (int)s);
        uint64_t c = vel(&vd, size, e), x;
        switch (opcode) {
        case 0x00: case 0x02: case 0x04: case 0x06: /* SSHR USHR, SSRA USRA, SRSHR URSHR, SRSRA URSRA */
            x = (uint64_t)shift(a, -right, opcode & 4) + (opcode & 2 ? c : 0);
            break;
        case 0x08: /* SRI */
            if (!u)
                return -1;
            x = right == (int)bits ? c : (c & ~(ones >> right)) | ((uint64_t)a >> right);
            break;
        case 0x0a: /* SHL, SLI */
            x = ((uint64_t)a << left) | (u ? c & ~(ones << left) : 0);
            break;
        case 0x0c: /* SQSHLU */
            if (!u)
                return -1;
            x = saturate(cpu, wide(&vn, size, e, 1) << left, size, 0);
            break;
        case 0x0e: /* SQSHL, UQSHL */
            x = saturate(cpu, a << left, size, (int)s);
            break;
        default:
            return -1;
        }
        vset_el(&r, size, e, x & ones);
    }
    write_result(cpu, d, &r, (int)q && !scalar);
    return 0;
}

/* ---- by element (integer): MUL, MLA, MLS, and the long forms ---- */

static int indexed(ir_cpu *cpu, uint32_t i, int scalar)
{
    unsigned q = (i >> 30) & 1, u = (i >> 29) & 1, size = (i >> 22) & 3, opcode = (i >> 12) & 15;
    unsigned h = (i >> 11) & 1, l = (i >> 21) & 1, mbit = (i >> 20) & 1, d = i & 31, s = !u;
    if (opcode == 1 || opcode == 5 || opcode == 9)
        return a64_simd_fp_indexed(cpu, i, scalar);
    if (scalar || size == 0 || size == 3)
        return -1;
    unsigned index = size == 1 ? h << 2 | l << 1 | mbit : h << 1 | l, m = size == 1 ? (i >> 16) & 15 : (i >> 16) & 31;
    a64_vec vn = a64_vget(cpu, (i >> 5) & 31), vm = a64_vget(cpu, m), vd = a64_vget(cpu, d), r = {{0}};
    uint64_t ones = el_ones(size);
    if (opcode == 0 || opcode == 4 || (opcode == 8 && !u)) { /* MLA, MLS, MUL */
        if ((opcode != 8) != u)
            return -1;
        unsigned elements = (q ? 16 : 8) >> size;
        uint64_t b = vel(&vm, size, index);
        for (unsigned e = 0; e < elements; e++) {
            uint64_t p = vel(&vn, size, e) * b, c = vel(&vd, size, e);
            vset_el(&r, size, e, (opcode == 8 ? p : opcode == 0 ? c + p : c - p) & ones);
        }
        write_result(cpu, d, &r, (int)q);
        return 0;
    }
    if (opcode != 2 && opcode != 6 && opcode != 10) /* SMLAL/UMLAL, SMLSL/UMLSL, SMULL/UMULL */
        return -1;
    unsigned elements = 8 >> size, part = q * elements;
    i128 b = wide(&vm, size, index, (int)s);
    for (unsigned e = 0; e < elements; e++) {
        i128 p = wide(&vn, size, part + e, (int)s) * b, c = (i128)vel(&vd, size + 1, e);
        vset_el(&r, size + 1, e, (uint64_t)(opcode == 10 ? p : opcode == 2 ? c + p : c - p) & el_ones(size + 1));
    }
    write_result(cpu, d, &r, 1);
    return 0;
}

/* ---- scalar pairwise: ADDP (D), FP pairwise ---- */

static int pairwise(ir_cpu *cpu, uint32_t i)
{
    unsigned u = (i >> 29) & 1, size = (i >> 22) & 3, opcode = (i >> 12) & 31;
    if (u)
        return a64_simd_fp_pairwise(cpu, i);
    if (opcode != 0x1b || size != 3)
        return -1;
    a64_vec vn = a64_vget(cpu, (i >> 5) & 31), r = {{0}};
    vset_el(&r, 3, 0, vel(&vn, 3, 0) + vel(&vn, 3, 1));
    a64_vset(cpu, i & 31, &r, 0);
    return 0;
}

int a64_simd_helper(ir_cpu *cpu, const ir_op *op)
{
    uint32_t i = op->aux;
    int r = -1;
    if ((i & 0x9f200400) == 0x0e200400)
        r = same(cpu, i, 0);
    else if ((i & 0x9f200c00) == 0x0e200000)
        r = different(cpu, i);
    else if ((i & 0x9f3e0c00) == 0x0e200800)
        r = misc(cpu, i, 0);
    else if ((i & 0x9f3e0c00) == 0x0e300800)
        r = across(cpu, i);
    else if ((i & 0x9fe08400) == 0x0e000400)
        r = a64_simd_copy(cpu, i, 0);
    else if ((i & 0xbf208c00) == 0x0e000800)
        r = a64_simd_permute(cpu, i);
    else if ((i & 0xbf208c00) == 0x0e000000)
        r = a64_simd_table(cpu, i);
    else if ((i & 0xbf208400) == 0x2e000000)
        r = a64_simd_extract(cpu, i);
    else if ((i & 0x9ff80400) == 0x0f000400)
        r = a64_simd_modimm(cpu, i);
    else if ((i & 0x9f800400) == 0x0f000400)
        r = shift_imm(cpu, i, 0);
    else if ((i & 0x9f000400) == 0x0f000000)
        r = indexed(cpu, i, 0);
    else if ((i & 0xdf200400) == 0x5e200400)
        r = same(cpu, i, 1);
    else if ((i & 0xdf3e0c00) == 0x5e200800)
        r = misc(cpu, i, 1);
    else if ((i & 0xdf3e0c00) == 0x5e300800)
        r = pairwise(cpu, i);
    else if ((i & 0xdfe08400) == 0x5e000400)
        r = a64_simd_copy(cpu, i, 1);
    else if ((i & 0xdf800400) == 0x5f000400 && (i >> 19) & 15)
        r = shift_imm(cpu, i, 1);
    else if ((i & 0xdf000400) == 0x5f000000)
        r = indexed(cpu, i, 1);
    if (r < 0)
        return a64_exception((a64_cpu *)cpu, EC_UNKNOWN, 0, a64_op_pc(cpu, op), 0, 0);
    return IR_OK;
}
