/* The IR verifier and printer: what every decoded block must satisfy (the
 * contract of ir.h, checked in debug builds on every translation and by the
 * tests), and a text form of a block for tests and debugging. */
#ifndef WVM_IR_VERIFY_H
#define WVM_IR_VERIFY_H

#include <stdio.h>

#include "ir/ir.h"

/* Check block `b` of a front-end with `nhelpers` helpers: known opcodes,
 * register indexes below IR_NREGS, no write to register 0 (x0 writes go to
 * IR_ZERO_SINK), helper indexes below nhelpers, exactly one terminator (a
 * branch, JAL, JALR, NEXT or HELPER_END) and it is last, pc offsets inside
 * the block (NEXT's at its end), insns_after at most ninsns and counting
 * down to 1 (0 for NEXT; instructions without ops, such as fences, are
 * counted but have none). Returns NULL, or a one-line description of the first fault
 * (in static storage). */
const char *ir_verify_block(const ir_block *b, unsigned nhelpers);

/* Print `b` to `f`: a header line, then one line per op
 * ("+pc_off [insns_after] NAME rd rs1 rs2 imm aux"). */
void ir_print_block(FILE *f, const ir_block *b);

#endif
