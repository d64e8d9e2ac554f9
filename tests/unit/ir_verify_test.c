/*
 * ir_verify_test.c - the IR verifier (src/ir/verify.c) accepts a well-formed
 * block and names the first fault of a broken one; the printer's text. (The
 * ASan+UBSan build also verifies every block the RISC-V front-end decodes,
 * in every test.)
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "ir/verify.h"

#include "check.h"

static ir_block *blk;

/* addi x5, x0, 1 ; sw x5, 8(x2) ; beq x5, x0, +8 (three instructions, 12 bytes) */
static void well_formed(void)
{
    memset(blk, 0, sizeof(*blk) + 3 * sizeof(ir_op));
    blk->vpc = blk->ppc = 0x80000000;
    blk->len = 12, blk->ninsns = 3, blk->nops = 3;
    blk->ops[0] = (ir_op){IR_ADDI, 5, 0, 0, 1, 0, 3, 4};
    blk->ops[1] = (ir_op){IR_SW, 0, 2, 5, 8, 4, 2, 4};
    blk->ops[2] = (ir_op){IR_BEQ, 0, 5, 0, 8, 8, 1, 4};
}

/* Nonzero if the verifier's message for blk contains `what`. */
static int says(const char *what)
{
    const char *m = ir_verify_block(blk, 4);
    return m && strstr(m, what) != NULL;
}

int main(void)
{
    blk = malloc(sizeof(*blk) + 4 * sizeof(ir_op));
    well_formed();
    EQ(ir_verify_block(blk, 4) == NULL, 1);
    well_formed(), blk->ops[1].opc = IR_NUM_OPS;
    EQ(says("unknown opcode"), 1);
    well_formed(), blk->ops[0].rd = 0;
    EQ(says("writes register 0"), 1);
    well_formed(), blk->ops[0].rs1 = IR_NREGS;
    EQ(says("register index out of range"), 1);
    well_formed(), blk->ops[1] = (ir_op){IR_HELPER, 0, 0, 0, 4, 4, 2, 0};
    EQ(says("helper index out of range"), 1);
    well_formed(), blk->ops[1].opc = IR_JAL, blk->ops[1].rd = 1;
    EQ(says("terminator before the end"), 1);
    well_formed(), blk->ops[2].opc = IR_ADD, blk->ops[2].rd = 6;
    EQ(says("the last op is not a terminator"), 1);
    well_formed(), blk->ops[2].pc_off = 12;
    EQ(says("outside the block"), 1);
    well_formed(), blk->ops[1].insns_after = 3, blk->ops[0].insns_after = 2;
    EQ(says("does not count down"), 1);
    well_formed(), blk->ops[2] = (ir_op){IR_NEXT, 0, 0, 0, 0, 12, 0, 0};
    EQ(ir_verify_block(blk, 4) == NULL, 1); /* falls through to the next block */

    well_formed();
    char text[512] = {0};
    FILE *f = fmemopen(text, sizeof(text) - 1, "w");
    ir_print_block(f, blk);
    fclose(f);
    EQ(strstr(text, "block vpc=0x80000000 ppc=0x80000000 flags=0x0 len=12 insns=3 ops=3\n") == text, 1);
    EQ(strstr(text, "  +004 [2] SW         rd=0 rs1=2 rs2=5 imm=8 aux=0x4\n") != NULL, 1);
    free(blk);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
