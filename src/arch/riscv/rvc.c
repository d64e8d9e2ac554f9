/* RVC expansion, RV64C (Unprivileged Spec 20191213, 16.3-16.8). */
#include "arch/riscv/rvc.h"

static uint32_t bits(uint32_t c, int hi, int lo) { return (c >> lo) & ((1u << (hi - lo + 1)) - 1); }

static uint32_t itype(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t stype(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned opc)
{
    uint32_t i = (uint32_t)imm;
    return (i >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (i & 31) << 7 | opc;
}
static uint32_t rtype(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t btype(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3)
{
    uint32_t i = (uint32_t)imm;
    return (i >> 12 & 1) << 31 | (i >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (i >> 1 & 0xf) << 8 | (i >> 11 & 1) << 7 | 0x63;
}
static uint32_t jtype(int32_t imm, unsigned rd)
{
    uint32_t i = (uint32_t)imm;
    return (i >> 20 & 1) << 31 | (i >> 1 & 0x3ff) << 21 | (i >> 11 & 1) << 20 |
           (i >> 12 & 0xff) << 12 | rd << 7 | 0x6f;
}
static int32_t sext(uint32_t v, int width) { return (int32_t)(v << (32 - width)) >> (32 - width); }

enum { LOAD = 0x03, STORE = 0x23, FLOAD = 0x07, FSTORE = 0x27, OPIMM = 0x13, OPIMM32 = 0x1b,
       OP = 0x33, OP32 = 0x3b, LUI = 0x37, JALR = 0x67 };

uint32_t rvc_expand(uint16_t c)
{
    unsigned rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);
    unsigned rdp = 8 + bits(c, 4, 2), rs1p = 8 + bits(c, 9, 7);
    int32_t imm6 = sext(bits(c, 12, 12) << 5 | bits(c, 6, 2), 6);
    uint32_t uimm_d = bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6; /* c.ld/c.sd/c.fld/c.fsd */
    uint32_t uimm_w = bits(c, 12, 10) << 3 | bits(c, 6, 6) << 2 | bits(c, 5, 5) << 6;
    switch ((c & 3) << 3 | bits(c, 15, 13)) {
    case 000: { /* c.addi4spn */
        uint32_t nz = bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 | bits(c, 6, 6) << 2 | bits(c, 5, 5) << 3;
        return nz ? itype((int32_t)nz, 2, 0, rdp, OPIMM) : 0;
    }
    case 001: return itype((int32_t)uimm_d, rs1p, 3, rdp, FLOAD);  /* c.fld */
    case 002: return itype((int32_t)uimm_w, rs1p, 2, rdp, LOAD);   /* c.lw */
    case 003: return itype((int32_t)uimm_d, rs1p, 3, rdp, LOAD);   /* c.ld */
    case 005: return stype((int32_t)uimm_d, rdp, rs1p, 3, FSTORE); /* c.fsd */
    case 006: return stype((int32_t)uimm_w, rdp, rs1p, 2, STORE);  /* c.sw */
    case 007: return stype((int32_t)uimm_d, rdp, rs1p, 3, STORE);  /* c.sd */
    case 010: return itype(imm6, rd, 0, rd, OPIMM);                 /* c.addi, c.nop */
    case 011: return rd ? itype(imm6, rd, 0, rd, OPIMM32) : 0;      /* c.addiw */
    case 012: return itype(imm6, 0, 0, rd, OPIMM);                  /* c.li */
    case 013:
        if (rd == 2) { /* c.addi16sp */
            int32_t nz = sext(bits(c, 12, 12) << 9 | bits(c, 6, 6) << 4 | bits(c, 5, 5) << 6 |
                              bits(c, 4, 3) << 7 | bits(c, 2, 2) << 5, 10);
            return nz ? itype(nz, 2, 0, 2, OPIMM) : 0;
        }
        return imm6 ? ((uint32_t)imm6 << 12 | rd << 7 | LUI) : 0; /* c.lui */
    case 014: {
        unsigned shamt = bits(c, 12, 12) << 5 | bits(c, 6, 2);
        switch (bits(c, 11, 10)) {
        case 0: return itype((int32_t)shamt, rs1p, 5, rs1p, OPIMM);            /* c.srli */
        case 1: return itype((int32_t)(shamt | 0x400), rs1p, 5, rs1p, OPIMM);  /* c.srai */
        case 2: return itype(imm6, rs1p, 7, rs1p, OPIMM);                      /* c.andi */
        default: {
            static const uint8_t f3[4] = {0, 4, 6, 7}; /* sub, xor, or, and */
            unsigned f2 = bits(c, 6, 5);
            if (!bits(c, 12, 12))
                return rtype(f2 ? 0 : 0x20, rdp, rs1p, f3[f2], rs1p, OP);
            if (f2 >= 2)
                return 0;
            return rtype(f2 ? 0 : 0x20, rdp, rs1p, 0, rs1p, OP32); /* c.subw, c.addw */
        }
        }
    }
    case 015: /* c.j */
        return jtype(sext(bits(c, 12, 12) << 11 | bits(c, 11, 11) << 4 | bits(c, 10, 9) << 8 |
                          bits(c, 8, 8) << 10 | bits(c, 7, 7) << 6 | bits(c, 6, 6) << 7 |
                          bits(c, 5, 3) << 1 | bits(c, 2, 2) << 5, 12), 0);
    case 016:
    case 017: { /* c.beqz, c.bnez */
        int32_t off = sext(bits(c, 12, 12) << 8 | bits(c, 11, 10) << 3 | bits(c, 6, 5) << 6 |
                           bits(c, 4, 3) << 1 | bits(c, 2, 2) << 5, 9);
        return btype(off, 0, rs1p, bits(c, 15, 13) & 1);
    }
    case 020: return itype(bits(c, 12, 12) << 5 | rs2, rd, 1, rd, OPIMM); /* c.slli */
    case 021: /* c.fldsp */
        return itype((int32_t)(bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6), 2, 3, rd, FLOAD);
    case 022: /* c.lwsp */
        return rd ? itype((int32_t)(bits(c, 12, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6), 2, 2, rd, LOAD) : 0;
    case 023: /* c.ldsp */
        return rd ? itype((int32_t)(bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6), 2, 3, rd, LOAD) : 0;
    case 024:
        if (!bits(c, 12, 12)) {
            if (rs2) return rtype(0, rs2, 0, 0, rd, OP);   /* c.mv */
            return rd ? itype(0, rd, 0, 0, JALR) : 0;      /* c.jr */
        }
        if (!rd && !rs2) return 0x00100073;                 /* c.ebreak */
        if (!rs2) return itype(0, rd, 0, 1, JALR);          /* c.jalr */
        return rtype(0, rs2, rd, 0, rd, OP);                /* c.add */
    case 025: /* c.fsdsp */
        return stype((int32_t)(bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6), rs2, 2, 3, FSTORE);
    case 026: /* c.swsp */
        return stype((int32_t)(bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6), rs2, 2, 2, STORE);
    case 027: /* c.sdsp */
        return stype((int32_t)(bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6), rs2, 2, 3, STORE);
    default:
        return 0;
    }
}
