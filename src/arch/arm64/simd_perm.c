/* AdvSIMD copies, permutes and immediates (Arm ARM C7.2): DUP, INS, UMOV,
 * SMOV; ZIP1/2, UZP1/2, TRN1/2; EXT; TBL, TBX; MOVI, MVNI, ORR, BIC and
 * FMOV (vector, immediate). */
#include "arch/arm64/simd.h"

int a64_simd_copy(ir_cpu *cpu, uint32_t i, int scalar)
{
    unsigned q = (i >> 30) & 1, op = (i >> 29) & 1, imm5 = (i >> 16) & 31, imm4 = (i >> 11) & 15;
    unsigned n = (i >> 5) & 31, d = i & 31;
    if (!(imm5 & 15))
        return -1;
    unsigned size = (unsigned)__builtin_ctz(imm5), index = imm5 >> (size + 1);
    a64_vec vn = a64_vget(cpu, n), r = {{0}};
    if (scalar) { /* DUP (element), scalar: MOV Vd, Vn.T[index] */
        if (op || imm4)
            return -1;
        vset_el(&r, size, 0, vel(&vn, size, index));
        a64_vset(cpu, d, &r, 0);
        return 0;
    }
    if (op) { /* INS (element) */
        if (!q)
            return -1;
        r = a64_vget(cpu, d);
        vset_el(&r, size, index, vel(&vn, size, imm4 >> size));
        a64_vset(cpu, d, &r, 1);
        return 0;
    }
    uint64_t x = n == 31 ? 0 : cpu->r[A64_X(n)];
    switch (imm4) {
    case 0: case 1: /* DUP (element), DUP (general) */
        if (size == 3 && !q)
            return -1;
        if (imm4 == 0)
            x = vel(&vn, size, index);
        for (unsigned e = 0; e < (q ? 16u : 8u) >> size; e++)
            vset_el(&r, size, e, x);
        a64_vset(cpu, d, &r, (int)q);
        return 0;
    case 3: /* INS (general) */
        if (!q)
            return -1;
        r = a64_vget(cpu, d);
        vset_el(&r, size, index, x);
        a64_vset(cpu, d, &r, 1);
        return 0;
    case 5: case 7: { /* SMOV, UMOV: to W (Q = 0) or X (Q = 1) */
        int smov = imm4 == 5;
        if (smov ? size >= 2u + q : (q ? size != 3 : size == 3))
            return -1;
        uint64_t v = smov ? (uint64_t)sel_s(&vn, size, index) : vel(&vn, size, index);
        if (!q)
            v &= 0xffffffffull;
        if (d != 31)
            cpu->r[A64_X(d)] = v;
        return 0;
    }
    default:
        return -1;
    }
}

/* AdvSIMDExpandImm (Arm ARM J1): the 64-bit pattern of op:cmode and imm8. */
static uint64_t expand_imm(unsigned op, unsigned cmode, unsigned imm8)
{
    uint64_t b = imm8, x;
    switch (cmode >> 1) {
    case 0: case 1: case 2: case 3: x = b << (8 * (cmode >> 1)); return x | x << 32;
    case 4: case 5: x = b << (8 * ((cmode >> 1) & 1)); return x * 0x0001000100010001ull;
    case 6: x = cmode & 1 ? (b << 16) | 0xffff : (b << 8) | 0xff; return x | x << 32;
    default:
        if (!(cmode & 1) && !op)
            return b * 0x0101010101010101ull;
        if (!(cmode & 1)) { /* each bit of imm8 a byte of ones or zeros */
            x = 0;
            for (unsigned k = 0; k < 8; k++)
                x |= ((b >> k) & 1 ? 0xffull : 0) << (8 * k);
            return x;
        }
        if (!op) { /* FMOV single: a:NOT(b):bbbbb:cdefgh:Zeros(19) */
            uint64_t f = (b >> 7) << 31 | (uint64_t)(!((b >> 6) & 1)) << 30 | ((b >> 6) & 1 ? 0x1full << 25 : 0) |
                         (b & 0x3f) << 19;
            return f | f << 32;
        } /* FMOV double */
        return (b >> 7) << 63 | (uint64_t)(!((b >> 6) & 1)) << 62 | ((b >> 6) & 1 ? 0xffull << 54 : 0) |
               (b & 0x3f) << 48;
    }
}

int a64_simd_modimm(ir_cpu *cpu, uint32_t i)
{
    unsigned q = (i >> 30) & 1, op = (i >> 29) & 1, cmode = (i >> 12) & 15, d = i & 31;
    unsigned imm8 = ((i >> 16) & 7) << 5 | ((i >> 5) & 31);
    if ((i >> 11) & 1 || (cmode == 15 && op && !q))
        return -1;
    uint64_t imm = expand_imm(op, cmode, imm8);
    a64_vec r = a64_vget(cpu, d);
    int logical = (cmode & 1) && cmode < 12; /* ORR, BIC */
    for (unsigned k = 0; k < 2; k++) {
        uint64_t x;
        if (logical)
            x = op ? vel(&r, 3, k) & ~imm : vel(&r, 3, k) | imm;
        else
            x = op && cmode < 14 ? ~imm : imm; /* MVNI inverts; MOVI (64-bit), FMOV do not */
        vset_el(&r, 3, k, x);
    }
    a64_vset(cpu, d, &r, (int)q);
    return 0;
}

int a64_simd_permute(ir_cpu *cpu, uint32_t i)
{
    unsigned q = (i >> 30) & 1, size = (i >> 22) & 3, opcode = (i >> 12) & 7;
    if (!(opcode & 3) || (size == 3 && !q))
        return -1;
    a64_vec vn = a64_vget(cpu, (i >> 5) & 31), vm = a64_vget(cpu, (i >> 16) & 31), r = {{0}};
    unsigned elements = (q ? 16 : 8) >> size, half = elements / 2, part = opcode >> 2;
    for (unsigned e = 0; e < elements; e++) {
        uint64_t x;
        switch (opcode & 3) {
        case 1: /* UZP: even (1) or odd (2) elements of Vn:Vm */
            x = 2 * e + part < elements ? vel(&vn, size, 2 * e + part) : vel(&vm, size, 2 * e + part - elements);
            break;
        case 2: /* TRN */
            x = e & 1 ? vel(&vm, size, (e & ~1u) + part) : vel(&vn, size, e + part);
            break;
        default: /* ZIP: the low (1) or high (2) halves interleaved */
            x = vel(e & 1 ? &vm : &vn, size, part * half + e / 2);
            break;
        }
        vset_el(&r, size, e, x);
    }
    a64_vset(cpu, i & 31, &r, (int)q);
    return 0;
}

int a64_simd_extract(ir_cpu *cpu, uint32_t i)
{
    unsigned q = (i >> 30) & 1, imm4 = (i >> 11) & 15;
    if ((i >> 22) & 3 || (!q && imm4 > 7))
        return -1;
    a64_vec vn = a64_vget(cpu, (i >> 5) & 31), vm = a64_vget(cpu, (i >> 16) & 31), r = {{0}};
    unsigned bytes = q ? 16 : 8;
    for (unsigned e = 0; e < bytes; e++)
        r.b[e] = imm4 + e < bytes ? vn.b[imm4 + e] : vm.b[imm4 + e - bytes];
    a64_vset(cpu, i & 31, &r, (int)q);
    return 0;
}

int a64_simd_table(ir_cpu *cpu, uint32_t i)
{
    unsigned q = (i >> 30) & 1, len = ((i >> 13) & 3) + 1, tbx = (i >> 12) & 1, n = (i >> 5) & 31;
    if ((i >> 22) & 3)
        return -1;
    uint8_t table[64];
    for (unsigned k = 0; k < len; k++)
        memcpy(table + 16 * k, a64_vreg(cpu, (n + k) % 32), 16);
    a64_vec vm = a64_vget(cpu, (i >> 16) & 31), r = a64_vget(cpu, i & 31);
    for (unsigned e = 0; e < (q ? 16u : 8u); e++) {
        unsigned idx = vm.b[e];
        if (idx < 16 * len)
            r.b[e] = table[idx];
        else if (!tbx)
            r.b[e] = 0;
    }
    a64_vset(cpu, i & 31, &r, (int)q);
    return 0;
}
