/* The shared IR: the op set that guest front-ends decode into and that the
 * engines (interpreter, JIT) execute. See shared/DESIGN.md, "The IR contract".
 *
 * Ops are three-address over 64-bit values held in ir_cpu.r[]. Register index
 * space (one byte): 0..31 guest integer registers, IR_ZERO_SINK (writes to the
 * architectural zero register go here), IR_TEMP0.. temporaries, 64..127 the
 * front-end's FP/vector state as raw 64-bit patterns (RISC-V: f0..f31 at
 * IR_FREG0; AArch64: V0..V31 as 64-bit halves, arch/arm64/cpu.h). Rare or complex guest
 * instructions are HELPER ops: calls into C with a fixed signature. */
#ifndef WVM_IR_H
#define WVM_IR_H

#include <stdint.h>

enum {
    IR_ZERO_SINK = 32, /* rd of an instruction that writes x0 */
    IR_TEMP0 = 33,     /* first temporary (front-ends may use 33..63) */
    IR_FREG0 = 64,     /* RISC-V f0..f31 as raw bit patterns (NaN-boxed singles) */
    IR_NREGS = 128
};

/* The op table: name, class. Classes: R = r[rd] = f(r[rs1], r[rs2]);
 * I = r[rd] = f(r[rs1], imm); L = load r[rd] from r[rs1]+imm; S = store r[rs2]
 * to r[rs1]+imm; B = conditional branch to pc+imm (terminator); T = other
 * terminator; H = helper call. */
#define IR_OPS(X)                                                              \
    X(ADD, R) X(SUB, R) X(AND, R) X(OR, R) X(XOR, R) X(SLL, R) X(SRL, R)       \
    X(SRA, R) X(SLT, R) X(SLTU, R) X(MUL, R) X(MULH, R) X(MULHSU, R)           \
    X(MULHU, R) X(DIV, R) X(DIVU, R) X(REM, R) X(REMU, R) X(ADDW, R)           \
    X(SUBW, R) X(SLLW, R) X(SRLW, R) X(SRAW, R) X(MULW, R) X(DIVW, R)          \
    X(DIVUW, R) X(REMW, R) X(REMUW, R)                                         \
    X(SH1ADD, R) X(SH2ADD, R) X(SH3ADD, R) X(ADDUW, R) X(SH1ADDUW, R)          \
    X(SH2ADDUW, R) X(SH3ADDUW, R) X(ANDN, R) X(ORN, R) X(XNOR, R) X(MIN, R)    \
    X(MAX, R) X(MINU, R) X(MAXU, R) X(ROL, R) X(ROR, R) X(ROLW, R) X(RORW, R)  \
    X(BCLR, R) X(BSET, R) X(BINV, R) X(BEXT, R)                                \
    X(ADDI, I) X(ANDI, I) X(ORI, I) X(XORI, I) X(SLTI, I) X(SLTIU, I)          \
    X(SLLI, I) X(SRLI, I) X(SRAI, I) X(ADDIW, I) X(SLLIW, I) X(SRLIW, I)       \
    X(SRAIW, I) X(RORI, I) X(RORIW, I) X(SLLIUW, I) X(BCLRI, I) X(BSETI, I)    \
    X(BINVI, I) X(BEXTI, I)                                                    \
    X(CLZ, I) X(CTZ, I) X(CPOP, I) X(CLZW, I) X(CTZW, I) X(CPOPW, I)           \
    X(SEXTB, I) X(SEXTH, I) X(ZEXTH, I) X(ORCB, I) X(REV8, I)                  \
    X(MOVI, I) /* r[rd] = (uint64)aux << 32 | (uint32)imm */                   \
    /* Condition flags as Arm's NZCV (bits 31:28 of a register, PSTATE's  \
     * layout; Arm ARM C6.2 ADDS/SUBS): the flags of r[rs1] + r[rs2] or      \
     * r[rs1] - r[rs2] (C: carry out, no borrow), in 64 or 32 (W) bits;      \
     * LOGIC: N and Z of the result r[rs1], C = V = 0. */                    \
    X(NZCV_ADD, R) X(NZCV_ADDW, R) X(NZCV_SUB, R) X(NZCV_SUBW, R)            \
    X(NZCV_LOGIC, I) X(NZCV_LOGICW, I)                                       \
    X(COND, I) /* r[rd] = 1 if Arm condition imm (0..15) holds for NZCV r[rs1], else 0 */ \
    X(SEL, R)  /* r[rd] = r[aux] != 0 ? r[rs1] : r[rs2] (aux: a register index) */ \
    X(LB, L) X(LH, L) X(LW, L) X(LD, L) X(LBU, L) X(LHU, L) X(LWU, L)          \
    X(LWNB, L) /* 32-bit load NaN-boxed into a 64-bit FP register */           \
    X(SB, S) X(SH, S) X(SW, S) X(SD, S)                                        \
    X(BEQ, B) X(BNE, B) X(BLT, B) X(BGE, B) X(BLTU, B) X(BGEU, B)              \
    X(JAL, T)  /* r[rd] = pc + aux; pc += imm */                               \
    X(JALR, T) /* t = (r[rs1] + imm) & ~1; r[rd] = pc + aux; pc = t */         \
    X(JMPR, T) /* t = r[rs1] + imm; r[rd] = pc + aux; pc = t (bit 0 kept) */   \
    X(NEXT, T) /* fall through to the block's end pc */                        \
    X(HELPER, H)     /* st = ir_helpers[imm](cpu, op); continue if st == 0 */  \
    X(HELPER_END, H) /* helper that ends the block (it sets cpu->pc) */

enum ir_opcode {
#define IR_ENUM(name, cls) IR_##name,
    IR_OPS(IR_ENUM)
#undef IR_ENUM
    IR_NUM_OPS
};

/* Block exits. Every block ends with exactly one terminator, its last op
 * (ir_verify_block checks it):
 *   direct, static targets: B ops (taken: pc + pc_off + imm; not taken: the
 *     block's end), JAL (pc + pc_off + imm), NEXT (the block's end);
 *   indirect: JALR, JMPR (target in a register);
 *   helper-ended: HELPER_END (the helper sets cpu->pc: system instructions,
 *     CSR writes that change the mode or translation, traps).
 * Besides, an op may leave early: a load, store or HELPER that traps
 * (IR_TRAP; cpu->pc is the handler), a store or HELPER that returns IR_END
 * (the block ends after it; a store that wrote translated code or saw
 * exit_req sets pc to the next instruction). A store followed by more ops
 * of its guest instruction (A64 base writeback, STP) does not leave: the
 * rest of the instruction must run, so the block runs on to its end (its
 * ops stay valid until the next block is looked up), which A64 allows:
 * modified code need not be seen before a context synchronisation.
 *
 * When pc and instret are synchronised. While a block runs, cpu->pc is the
 * guest-virtual address of its first instruction (ops know theirs as pc +
 * pc_off) and cpu->instret already counts the whole block (added on entry).
 * An op that traps subtracts its insns_after (it and the rest did not
 * retire); an op that ends the block early subtracts insns_after - 1.
 * Helpers therefore see pc = block start and read the retired count as
 * instret - insns_after. At every block boundary pc is the next block's
 * address and instret exact: engines check the instruction budget and
 * exit_req only there, so the interpreter and compiled code stop at the same
 * boundaries. */

/* One IR op: 16 bytes. pc_off is the byte offset of the guest instruction from
 * the block's start PC (so traps are precise); insns_after counts guest
 * instructions from this one to the block end, inclusive (so retired
 * instruction counts are exact when a trap stops the block here). For loads,
 * stores, JAL, JALR and JMPR, aux is the guest instruction length in bytes. For
 * helpers, imm is the helper index, aux the raw guest instruction and rd,
 * rs1, rs2 its operands as the helper's descriptor (IR_HF_*) says. */
typedef struct ir_op {
    uint8_t opc, rd, rs1, rs2;
    int32_t imm;
    uint16_t pc_off, insns_after;
    uint32_t aux;
} ir_op;

struct ir_cpu;

/* A translation block. Keyed by guest-physical start address, guest-virtual
 * start address and the mode flags that change decoding (ir_cpu.block_flags). */
typedef struct ir_block {
    uint64_t vpc;          /* guest-virtual address of the first instruction */
    uint64_t ppc;          /* guest-physical address of the first instruction */
    uint32_t flags;        /* decode-relevant mode bits at translation time */
    uint16_t len;          /* guest bytes covered */
    uint16_t ninsns;       /* guest instructions */
    uint32_t nops;
    struct ir_block *hash_next;
    struct ir_block *page_next;  /* next block of the same guest-physical page */
    struct ir_block *chain[2]; /* cached successors in the same page: taken, not taken */
    /* JIT (ir/jit.h): the compiled region that runs this block as its entry
     * `jit_entry`, or NULL; executions counted towards the threshold. */
    struct ir_block *(*jit_fn)(struct ir_cpu *cpu, int entry);
    uint32_t jit_entry, hits;
    ir_op ops[];
} ir_block;

/* Helper descriptors (ir_arch.helper_flags, one per helper, as TCG's call
 * flags): the IR registers a helper reads and writes through its op's
 * fields. A helper without IR_HF_ANY touches no other register, so an engine
 * that caches registers need only store r[rs1]/r[rs2] before the call and
 * reload r[rd] after it. IR_HF_ANY: may read or write any register (an SBI
 * call's a0-a7; an FP instruction's operands, decoded from aux). */
enum {
    IR_HF_RS1 = 1, /* reads r[rs1] */
    IR_HF_RS2 = 2, /* reads r[rs2] */
    IR_HF_RD = 4,  /* writes r[rd] */
    IR_HF_ANY = 8  /* may read or write any register */
};

/* Status codes returned by helpers and memory slow paths. */
enum {
    IR_OK = 0,       /* continue with the next op */
    IR_TRAP = 1,     /* an exception was taken: cpu->pc is the handler */
    IR_END = 2,      /* op completed; leave the block (cpu->pc set by callee) */
};

#endif
