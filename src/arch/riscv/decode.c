/* RV64GC (+ Zicsr, Zifencei, Zba, Zbb, Zbs) decoder: guest code -> IR block.
 * Unprivileged Spec 20191213, chapter 24 (opcode map) and chapter 16 (RVC). */
#include <string.h>

#include "arch/riscv/hart.h"
#include "arch/riscv/helpers.h"
#include "arch/riscv/rvc.h"

#define BLOCK_MAX_INSNS 64

/* Operand formats of the decode table. */
enum fmt {
    F_R,        /* IR R op: rd, rs1, rs2 */
    F_I,        /* IR I op: rd, rs1, imm[31:20] */
    F_SH6,      /* IR I op, shamt[25:20] */
    F_SH5,      /* IR I op, shamt[24:20] */
    F_UN,       /* IR I op with rs1 only (Zbb unary) */
    F_LUI, F_AUIPC, F_JAL, F_JALR, F_BRANCH, F_LOAD, F_STORE,
    F_FLOAD,    /* load into an FP register (needs mstatus.FS != Off) */
    F_FSTORE,   /* store from an FP register */
    F_FP,       /* RVH_FP helper (needs FS) */
    F_HELPER,   /* helper that may continue the block */
    F_END,      /* helper that ends the block */
    F_NOP       /* fence, fence.tso, pause: no op */
};

typedef struct rv_insn {
    uint32_t mask, match;
    uint8_t fmt, op; /* op: IR opcode, or helper index for F_HELPER/F_END/F_FP */
} rv_insn;

#define OPC 0x0000007fu
#define F3 0x0000707fu
#define F7 0xfe00707fu
#define F6 0xfc00707fu
#define F12 0xfff0707fu
#define FULL 0xffffffffu

static const rv_insn rv_table[] = {
    {OPC, 0x37, F_LUI, 0}, {OPC, 0x17, F_AUIPC, 0}, {OPC, 0x6f, F_JAL, IR_JAL},
    {F3, 0x67, F_JALR, IR_JALR},
    {F3, 0x0063, F_BRANCH, IR_BEQ}, {F3, 0x1063, F_BRANCH, IR_BNE}, {F3, 0x4063, F_BRANCH, IR_BLT},
    {F3, 0x5063, F_BRANCH, IR_BGE}, {F3, 0x6063, F_BRANCH, IR_BLTU}, {F3, 0x7063, F_BRANCH, IR_BGEU},
    {F3, 0x0003, F_LOAD, IR_LB}, {F3, 0x1003, F_LOAD, IR_LH}, {F3, 0x2003, F_LOAD, IR_LW},
    {F3, 0x3003, F_LOAD, IR_LD}, {F3, 0x4003, F_LOAD, IR_LBU}, {F3, 0x5003, F_LOAD, IR_LHU},
    {F3, 0x6003, F_LOAD, IR_LWU},
    {F3, 0x0023, F_STORE, IR_SB}, {F3, 0x1023, F_STORE, IR_SH}, {F3, 0x2023, F_STORE, IR_SW},
    {F3, 0x3023, F_STORE, IR_SD},
    {F3, 0x0013, F_I, IR_ADDI}, {F3, 0x2013, F_I, IR_SLTI}, {F3, 0x3013, F_I, IR_SLTIU},
    {F3, 0x4013, F_I, IR_XORI}, {F3, 0x6013, F_I, IR_ORI}, {F3, 0x7013, F_I, IR_ANDI},
    {F6, 0x1013, F_SH6, IR_SLLI}, {F6, 0x5013, F_SH6, IR_SRLI}, {F6, 0x40005013, F_SH6, IR_SRAI},
    {F7, 0x0033, F_R, IR_ADD}, {F7, 0x40000033, F_R, IR_SUB}, {F7, 0x1033, F_R, IR_SLL},
    {F7, 0x2033, F_R, IR_SLT}, {F7, 0x3033, F_R, IR_SLTU}, {F7, 0x4033, F_R, IR_XOR},
    {F7, 0x5033, F_R, IR_SRL}, {F7, 0x40005033, F_R, IR_SRA}, {F7, 0x6033, F_R, IR_OR},
    {F7, 0x7033, F_R, IR_AND},
    {F3, 0x001b, F_I, IR_ADDIW}, {F7, 0x101b, F_SH5, IR_SLLIW}, {F7, 0x501b, F_SH5, IR_SRLIW},
    {F7, 0x4000501b, F_SH5, IR_SRAIW},
    {F7, 0x003b, F_R, IR_ADDW}, {F7, 0x4000003b, F_R, IR_SUBW}, {F7, 0x103b, F_R, IR_SLLW},
    {F7, 0x503b, F_R, IR_SRLW}, {F7, 0x4000503b, F_R, IR_SRAW},
    /* M */
    {F7, 0x02000033, F_R, IR_MUL}, {F7, 0x02001033, F_R, IR_MULH}, {F7, 0x02002033, F_R, IR_MULHSU},
    {F7, 0x02003033, F_R, IR_MULHU}, {F7, 0x02004033, F_R, IR_DIV}, {F7, 0x02005033, F_R, IR_DIVU},
    {F7, 0x02006033, F_R, IR_REM}, {F7, 0x02007033, F_R, IR_REMU},
    {F7, 0x0200003b, F_R, IR_MULW}, {F7, 0x0200403b, F_R, IR_DIVW}, {F7, 0x0200503b, F_R, IR_DIVUW},
    {F7, 0x0200603b, F_R, IR_REMW}, {F7, 0x0200703b, F_R, IR_REMUW},
    /* Zba */
    {F7, 0x20002033, F_R, IR_SH1ADD}, {F7, 0x20004033, F_R, IR_SH2ADD}, {F7, 0x20006033, F_R, IR_SH3ADD},
    {F7, 0x0800003b, F_R, IR_ADDUW}, {F7, 0x2000203b, F_R, IR_SH1ADDUW},
    {F7, 0x2000403b, F_R, IR_SH2ADDUW}, {F7, 0x2000603b, F_R, IR_SH3ADDUW},
    {F6, 0x0800101b, F_SH6, IR_SLLIUW},
    /* Zbb */
    {F7, 0x40007033, F_R, IR_ANDN}, {F7, 0x40006033, F_R, IR_ORN}, {F7, 0x40004033, F_R, IR_XNOR},
    {F12, 0x60001013, F_UN, IR_CLZ}, {F12, 0x60101013, F_UN, IR_CTZ}, {F12, 0x60201013, F_UN, IR_CPOP},
    {F12, 0x6000101b, F_UN, IR_CLZW}, {F12, 0x6010101b, F_UN, IR_CTZW}, {F12, 0x6020101b, F_UN, IR_CPOPW},
    {F7, 0x0a006033, F_R, IR_MAX}, {F7, 0x0a007033, F_R, IR_MAXU}, {F7, 0x0a004033, F_R, IR_MIN},
    {F7, 0x0a005033, F_R, IR_MINU},
    {F12, 0x60401013, F_UN, IR_SEXTB}, {F12, 0x60501013, F_UN, IR_SEXTH}, {F12, 0x0800403b, F_UN, IR_ZEXTH},
    {F7, 0x60001033, F_R, IR_ROL}, {F7, 0x6000103b, F_R, IR_ROLW}, {F7, 0x60005033, F_R, IR_ROR},
    {F7, 0x6000503b, F_R, IR_RORW}, {F6, 0x60005013, F_SH6, IR_RORI}, {F7, 0x6000501b, F_SH5, IR_RORIW},
    {F12, 0x28705013, F_UN, IR_ORCB}, {F12, 0x6b805013, F_UN, IR_REV8},
    /* Zbs */
    {F7, 0x48001033, F_R, IR_BCLR}, {F6, 0x48001013, F_SH6, IR_BCLRI}, {F7, 0x48005033, F_R, IR_BEXT},
    {F6, 0x48005013, F_SH6, IR_BEXTI}, {F7, 0x68001033, F_R, IR_BINV}, {F6, 0x68001013, F_SH6, IR_BINVI},
    {F7, 0x28001033, F_R, IR_BSET}, {F6, 0x28001013, F_SH6, IR_BSETI},
    /* Fences and system */
    {F3, 0x000f, F_NOP, 0}, {F3, 0x100f, F_END, RVH_FENCE_I},
    {FULL, 0x00000073, F_END, RVH_ECALL}, {FULL, 0x00100073, F_END, RVH_EBREAK},
    {FULL, 0x30200073, F_END, RVH_MRET}, {FULL, 0x10200073, F_END, RVH_SRET},
    {FULL, 0x10500073, F_END, RVH_WFI}, {0xfe007fffu, 0x12000073, F_END, RVH_SFENCE_VMA},
    {F3, 0x1073, F_END, RVH_CSR}, {F3, 0x2073, F_END, RVH_CSR}, {F3, 0x3073, F_END, RVH_CSR},
    {F3, 0x5073, F_END, RVH_CSR}, {F3, 0x6073, F_END, RVH_CSR}, {F3, 0x7073, F_END, RVH_CSR},
    /* A: LR/SC and AMOs (funct5 in 31:27, aq/rl ignored) */
    {0xf9f0707fu, 0x1000202f, F_HELPER, RVH_LR}, {0xf9f0707fu, 0x1000302f, F_HELPER, RVH_LR},
    {0xf800707fu, 0x1800202f, F_HELPER, RVH_SC}, {0xf800707fu, 0x1800302f, F_HELPER, RVH_SC},
#define AMO(f5) {0xf800707fu, ((uint32_t)(f5) << 27) | 0x202f, F_HELPER, RVH_AMO}, \
                {0xf800707fu, ((uint32_t)(f5) << 27) | 0x302f, F_HELPER, RVH_AMO},
    AMO(0x00) AMO(0x01) AMO(0x04) AMO(0x08) AMO(0x0c) AMO(0x10) AMO(0x14) AMO(0x18) AMO(0x1c)
#undef AMO
    /* F and D: loads/stores inline, everything else through RVH_FP */
    {F3, 0x2007, F_FLOAD, IR_LWNB}, {F3, 0x3007, F_FLOAD, IR_LD},
    {F3, 0x2027, F_FSTORE, IR_SW}, {F3, 0x3027, F_FSTORE, IR_SD},
    {0x0600007fu, 0x43, F_FP, 0}, {0x0600007fu, 0x47, F_FP, 0}, {0x0600007fu, 0x4b, F_FP, 0},
    {0x0600007fu, 0x4f, F_FP, 0}, {0x0600007fu, 0x02000043, F_FP, 0}, {0x0600007fu, 0x02000047, F_FP, 0},
    {0x0600007fu, 0x0200004b, F_FP, 0}, {0x0600007fu, 0x0200004f, F_FP, 0},
#define FPD(mask, match) {mask, match, F_FP, 0}, {mask, (match) | 0x02000000u, F_FP, 0},
    FPD(0xfe00007fu, 0x00000053) FPD(0xfe00007fu, 0x08000053) FPD(0xfe00007fu, 0x10000053)
    FPD(0xfe00007fu, 0x18000053) FPD(0xfff0007fu, 0x58000053)
    FPD(F7, 0x20000053) FPD(F7, 0x20001053) FPD(F7, 0x20002053) FPD(F7, 0x28000053) FPD(F7, 0x28001053)
    FPD(0xfff0007fu, 0xc0000053) FPD(0xfff0007fu, 0xc0100053) FPD(0xfff0007fu, 0xc0200053)
    FPD(0xfff0007fu, 0xc0300053) FPD(0xfff0007fu, 0xd0000053) FPD(0xfff0007fu, 0xd0100053)
    FPD(0xfff0007fu, 0xd0200053) FPD(0xfff0007fu, 0xd0300053)
    FPD(F7, 0xa0002053) FPD(F7, 0xa0001053) FPD(F7, 0xa0000053)
    FPD(F12, 0xe0000053) FPD(F12, 0xe0001053) FPD(F12, 0xf0000053)
#undef FPD
    {0xfff0007fu, 0x40100053, F_FP, 0}, {0xfff0007fu, 0x42000053, F_FP, 0},
};

static const rv_insn *lookup(uint32_t insn)
{
    for (unsigned i = 0; i < sizeof(rv_table) / sizeof(rv_table[0]); i++)
        if ((insn & rv_table[i].mask) == rv_table[i].match)
            return &rv_table[i];
    return NULL;
}

static inline uint8_t xd(uint32_t insn) /* destination register, x0 -> sink */
{
    unsigned rd = (insn >> 7) & 31;
    return rd ? (uint8_t)rd : IR_ZERO_SINK;
}
static inline uint8_t xs1(uint32_t insn) { return (insn >> 15) & 31; }
static inline uint8_t xs2(uint32_t insn) { return (insn >> 20) & 31; }
static inline int32_t sext(uint32_t v, int bits) /* sign-extend the low `bits` */
{
    return (int32_t)(v << (32 - bits)) >> (32 - bits);
}
static inline int32_t imm_i(uint32_t insn) { return sext(insn >> 20, 12); }
static inline int32_t imm_s(uint32_t insn) { return sext((insn >> 25) << 5 | ((insn >> 7) & 31), 12); }
static inline int32_t imm_b(uint32_t insn)
{
    return sext((insn >> 31) << 12 | (insn & 0x80) << 4 | ((insn >> 20) & 0x7e0) | ((insn >> 7) & 0x1e), 13);
}
static inline int32_t imm_j(uint32_t insn)
{
    return sext((insn >> 31) << 20 | (insn & 0xff000) | ((insn >> 9) & 0x800) | ((insn >> 20) & 0x7fe), 21);
}

/* Emit the ops of one instruction at byte offset `off` of the block. Returns
 * nonzero if the instruction ends the block. */
static int emit(ir_block *b, uint32_t insn, uint32_t raw, unsigned len, unsigned off, int *fs_dirtied)
{
    ir_op *o = &b->ops[b->nops];
    const rv_insn *d = (insn & 3) == 3 ? lookup(insn) : NULL;
    unsigned fs = RV_FLAGS_FS(b->flags);
    int fp = d && (d->fmt == F_FLOAD || d->fmt == F_FSTORE || d->fmt == F_FP);
    memset(o, 0, sizeof(*o));
    o->pc_off = (uint16_t)off;
    o->insns_after = b->ninsns; /* instruction index; fixed up at the end */
    o->aux = len;
    if (!d || (fp && fs == 0)) {
        o->opc = IR_HELPER_END;
        o->imm = RVH_ILLEGAL;
        o->aux = raw;
        b->nops++;
        return 1;
    }
    if (fp && d->fmt != F_FSTORE && fs != 3 && !*fs_dirtied) {
        o->opc = IR_HELPER;
        o->imm = RVH_FS_DIRTY;
        *fs_dirtied = 1;
        b->nops++;
        o[1] = o[0];
        o++;
    }
    b->nops++;
    o->opc = d->op;
    switch (d->fmt) {
    case F_R: o->rd = xd(insn); o->rs1 = xs1(insn); o->rs2 = xs2(insn); return 0;
    case F_I: o->rd = xd(insn); o->rs1 = xs1(insn); o->imm = imm_i(insn); return 0;
    case F_SH6: o->rd = xd(insn); o->rs1 = xs1(insn); o->imm = (insn >> 20) & 63; return 0;
    case F_SH5: o->rd = xd(insn); o->rs1 = xs1(insn); o->imm = (insn >> 20) & 31; return 0;
    case F_UN: o->rd = xd(insn); o->rs1 = xs1(insn); return 0;
    case F_LUI:
    case F_AUIPC: {
        uint64_t v = (uint64_t)(int64_t)(int32_t)(insn & 0xfffff000u);
        if (d->fmt == F_AUIPC)
            v += b->vpc + off;
        o->opc = IR_MOVI;
        o->rd = xd(insn);
        o->imm = (int32_t)(uint32_t)v;
        o->aux = (uint32_t)(v >> 32);
        return 0;
    }
    case F_JAL: o->rd = xd(insn); o->imm = imm_j(insn); return 1;
    case F_JALR: o->rd = xd(insn); o->rs1 = xs1(insn); o->imm = imm_i(insn); return 1;
    case F_BRANCH: o->rs1 = xs1(insn); o->rs2 = xs2(insn); o->imm = imm_b(insn); return 1;
    case F_LOAD: o->rd = xd(insn); o->rs1 = xs1(insn); o->imm = imm_i(insn); return 0;
    case F_STORE: o->rs1 = xs1(insn); o->rs2 = xs2(insn); o->imm = imm_s(insn); return 0;
    case F_FLOAD:
        o->rd = (uint8_t)(IR_FREG0 + ((insn >> 7) & 31));
        o->rs1 = xs1(insn);
        o->imm = imm_i(insn);
        return 0;
    case F_FSTORE:
        o->rs1 = xs1(insn);
        o->rs2 = (uint8_t)(IR_FREG0 + xs2(insn));
        o->imm = imm_s(insn);
        return 0;
    case F_FP:
    case F_HELPER:
    case F_END:
        o->opc = d->fmt == F_END ? IR_HELPER_END : IR_HELPER;
        o->imm = d->fmt == F_FP ? RVH_FP : d->op;
        o->aux = raw;
        if (d->fmt != F_FP) { /* decoded once: rv_helper_flags says which are used */
            o->rd = xd(insn);
            o->rs1 = xs1(insn);
            o->rs2 = xs2(insn);
        }
        return d->fmt == F_END;
    case F_NOP:
    default:
        b->nops--; /* nothing to execute */
        return 0;
    }
}

int rv_decode_block(ir_cpu *cpu, ir_block *b, const uint8_t *code, unsigned max_ops)
{
    unsigned page_left = PAGE_SIZE - (unsigned)(b->ppc & ~PAGE_MASK);
    unsigned off = 0;
    int fs_dirtied = 0, end = 0;
    (void)max_ops; /* BLOCK_MAX_INSNS * 2 + 1 ops always fit */
    unsigned max_insns = cpu->block_insns_max ? cpu->block_insns_max : BLOCK_MAX_INSNS;
    if (b->flags & RV_FLAGS_TRIGGERS) { /* one instruction, after its execute-trigger check */
        ir_op *o = &b->ops[b->nops++];
        memset(o, 0, sizeof(*o));
        o->opc = IR_HELPER;
        o->imm = RVH_TRIGGER;
        max_insns = 1;
    }
    while (!end && b->ninsns < max_insns && off + 2 <= page_left) {
        uint16_t lo;
        memcpy(&lo, code + off, 2);
        uint32_t insn, raw = lo;
        unsigned len = 2;
        if ((lo & 3) != 3) {
            insn = rvc_expand(lo);
        } else {
            uint16_t hi;
            if (off + 4 <= page_left) {
                memcpy(&hi, code + off + 2, 2);
            } else { /* the instruction crosses into the next page */
                if (b->ninsns)
                    break;
                uint64_t va2 = b->vpc + off + 2, pa2;
                uint64_t size;
                if (cpu->arch->translate(cpu, va2, ACC_EXEC, cpu->fetch_idx, b->vpc, &pa2,
                                         &size, 0) != IR_OK)
                    return IR_TRAP;
                const uint8_t *p = phys_ram_ptr(cpu->pm, pa2, 2);
                if (!p) {
                    /* tval is the faulting portion; epc the instruction */
                    rv_trap((rv_hart *)cpu, CAUSE_FETCH_ACCESS, va2, b->vpc);
                    return IR_TRAP;
                }
                memcpy(&hi, p, 2);
            }
            insn = raw = lo | (uint32_t)hi << 16;
            len = 4;
        }
        end = emit(b, insn, raw, len, off, &fs_dirtied);
        off += len;
        b->ninsns++;
    }
    if (!end) {
        ir_op *o = &b->ops[b->nops++];
        memset(o, 0, sizeof(*o));
        o->opc = IR_NEXT;
        o->pc_off = (uint16_t)off;
        o->insns_after = b->ninsns; /* after the last instruction: fixed to 0 */
    }
    for (unsigned i = 0; i < b->nops; i++)
        b->ops[i].insns_after = (uint16_t)(b->ninsns - b->ops[i].insns_after);
    b->len = (uint16_t)off;
    return IR_OK;
}
