/* The IR verifier and printer (see verify.h). */
#include "ir/verify.h"

#include <stdint.h>

static const char *const op_name[IR_NUM_OPS] = {
#define IR_NAME(name, cls) #name,
    IR_OPS(IR_NAME)
#undef IR_NAME
};
static const char op_class[IR_NUM_OPS] = {
#define IR_CLASS(name, cls) #cls[0],
    IR_OPS(IR_CLASS)
#undef IR_CLASS
};

/* Nonzero if op `o` ends a block. */
static int terminator(const ir_op *o)
{
    return op_class[o->opc] == 'B' || op_class[o->opc] == 'T' || o->opc == IR_HELPER_END;
}

/* Nonzero if op `o` writes r[rd]. */
static int writes_rd(const ir_op *o)
{
    char c = op_class[o->opc];
    return c == 'R' || c == 'I' || c == 'L' || o->opc == IR_JAL || o->opc == IR_JALR || o->opc == IR_JMPR;
}

const char *ir_verify_block(const ir_block *b, unsigned nhelpers)
{
    static char msg[160];
    if (b->nops == 0)
        return "block without ops";
    for (uint32_t i = 0; i < b->nops; i++) {
        const ir_op *o = &b->ops[i];
        const char *why = NULL;
        int last = i + 1 == b->nops;
        if (o->opc >= IR_NUM_OPS)
            why = "unknown opcode";
        else if (o->rd >= IR_NREGS || o->rs1 >= IR_NREGS || o->rs2 >= IR_NREGS ||
                 (o->opc == IR_SEL && o->aux >= IR_NREGS))
            why = "register index out of range";
        else if (writes_rd(o) && o->rd == 0)
            why = "writes register 0 (x0 writes go to IR_ZERO_SINK)";
        else if (o->opc == IR_COND && (o->imm < 0 || o->imm > 15))
            why = "condition out of range";
        else if (op_class[o->opc] == 'H' && (o->imm < 0 || (unsigned)o->imm >= nhelpers))
            why = "helper index out of range";
        else if (terminator(o) != last)
            why = last ? "the last op is not a terminator" : "terminator before the end";
        else if (o->opc == IR_NEXT ? o->pc_off != b->len || o->insns_after != 0
                                   : o->pc_off >= b->len || o->insns_after == 0)
            why = "pc_off or insns_after outside the block";
        else if (o->insns_after > b->ninsns || (i && o->insns_after > b->ops[i - 1].insns_after))
            why = "insns_after does not count down";
        if (why) {
            snprintf(msg, sizeof(msg), "op %u (%s at +%u): %s", (unsigned)i,
                     o->opc < IR_NUM_OPS ? op_name[o->opc] : "?", o->pc_off, why);
            return msg;
        }
    }
    return NULL;
}

void ir_print_block(FILE *f, const ir_block *b)
{
    fprintf(f, "block vpc=0x%llx ppc=0x%llx flags=0x%x len=%u insns=%u ops=%u\n",
            (unsigned long long)b->vpc, (unsigned long long)b->ppc, b->flags, b->len, b->ninsns,
            (unsigned)b->nops);
    for (uint32_t i = 0; i < b->nops; i++) {
        const ir_op *o = &b->ops[i];
        fprintf(f, "  +%03x [%u] %-10s rd=%u rs1=%u rs2=%u imm=%d aux=0x%x\n", o->pc_off, o->insns_after,
                o->opc < IR_NUM_OPS ? op_name[o->opc] : "?", o->rd, o->rs1, o->rs2, o->imm, o->aux);
    }
}
