/* The IR interpreter (reference engine). */
#ifndef WVM_IR_INTERP_H
#define WVM_IR_INTERP_H

#include "ir/cpu.h"

/* Execute guest code from cpu->pc until cpu->instret reaches
 * cpu->instret_limit or cpu->exit_req is set; both are checked at block
 * boundaries, so a run may overshoot the limit by at most one block. Exceptions are taken
 * inside (the front-end's helpers redirect cpu->pc). Returns the number of
 * guest instructions retired. */
int64_t ir_run(ir_cpu *cpu);

#endif
