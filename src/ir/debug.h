/* Debugger support shared by the engines and the software MMU: breakpoints
 * (guest-virtual PCs) and watchpoints (guest-virtual ranges), as a GDB stub
 * sets them (core/gdbstub.c). While a machine debugs, its harts translate
 * one-instruction blocks (ir_cpu.block_insns_max) so that the run loop
 * checks breakpoints before every instruction and stops right after the
 * access that hit a watchpoint; TLB entries of watched pages take the slow
 * path, which checks every load and store against the watchpoints. */
#ifndef WVM_IR_DEBUG_H
#define WVM_IR_DEBUG_H

#include <stdint.h>

#define IR_DEBUG_MAX_BREAKPOINTS 64
#define IR_DEBUG_MAX_WATCHPOINTS 16

enum { IR_WATCH_WRITE = 1, IR_WATCH_READ = 2 };

struct ir_cpu;

typedef struct ir_watchpoint {
    uint64_t va, len; /* guest-virtual start, bytes */
    int kinds;        /* IR_WATCH_* accesses that hit it */
} ir_watchpoint;

typedef struct ir_debug {
    uint64_t bp[IR_DEBUG_MAX_BREAKPOINTS];
    int nbp;
    ir_watchpoint wp[IR_DEBUG_MAX_WATCHPOINTS];
    int nwp;
    /* The first watchpoint hit since `hit` was cleared: the hart, the
     * accessed guest-virtual address and the kind of access. */
    int hit, hit_kind;
    uint64_t hit_va;
    struct ir_cpu *hit_cpu;
} ir_debug;

/* Add or remove a breakpoint at guest-virtual `pc`. Return 0, or -1 when
 * the table is full (add) or there is none there (remove). */
int ir_debug_add_breakpoint(ir_debug *d, uint64_t pc);
int ir_debug_remove_breakpoint(ir_debug *d, uint64_t pc);

/* Nonzero if a breakpoint is set at `pc`. */
int ir_debug_is_breakpoint(const ir_debug *d, uint64_t pc);

/* Add or remove a watchpoint on [va, va + len) for `kinds` (IR_WATCH_*).
 * Return 0, or -1 (table full, len 0, none such). The caller flushes the
 * TLBs (entries made before may point past the new watchpoint). */
int ir_debug_add_watchpoint(ir_debug *d, uint64_t va, uint64_t len, int kinds);
int ir_debug_remove_watchpoint(ir_debug *d, uint64_t va, uint64_t len, int kinds);

/* Nonzero if a watchpoint touches guest-virtual page `page` (page-aligned):
 * the TLB must send accesses to it through the slow path. */
int ir_debug_watches_page(const ir_debug *d, uint64_t page);

/* A `kind` access of `size` bytes at `va` by `cpu` (slow path): records the
 * first hit and asks the hart to stop at the next block boundary. */
void ir_debug_access(struct ir_cpu *cpu, uint64_t va, unsigned size, int kind);

#endif
