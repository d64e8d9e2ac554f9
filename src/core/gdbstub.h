/* The GDB remote serial protocol stub (internal side; wvm.h has the host
 * API). */
#ifndef WVM_GDBSTUB_H
#define WVM_GDBSTUB_H

#include <stddef.h>
#include <stdint.h>

#include "ir/cpu.h"

#define GDB_PACKET_MAX 16384 /* bytes of one incoming packet's payload */
#define GDB_OUT_MAX 65536    /* bytes of replies waiting for the host */
#define GDB_XML_MAX 16384    /* bytes of a target description */
#define GDB_G_MAX 512        /* bytes of the registers of a 'g' reply */

typedef struct gdb_stub {
    int stopped;      /* the guest does not run (GDB has it) */
    int connected;    /* a debugger is attached */
    int stepping;     /* 's': CPU step_hart runs one instruction, then stops */
    int step_hart;
    int g_hart, c_hart; /* Hg / Hc: CPUs (indexes) for register/memory and for c/s (-1: all) */
    int debug_mode;   /* harts translate one-instruction blocks and check breakpoints */
    uint32_t jit_threshold; /* the JIT's threshold before debug mode turned it off */
    char stop_reply[64];  /* what '?' answers */
    char xml[GDB_XML_MAX]; /* the target description (core/gdb_target.h) */
    size_t xml_len;
    /* incoming packet parser */
    int state;        /* 0 between packets, 1 payload, 2 and 3 checksum digits */
    char pkt[GDB_PACKET_MAX + 1];
    size_t pkt_len;
    int too_long;
    uint8_t sum, got_sum;
    /* replies */
    uint8_t out[GDB_OUT_MAX];
    size_t out_len;
} gdb_stub;

typedef struct wvm_machine wvm_machine;

/* Run CPU `cpu` for up to `budget` instructions in debug mode: one at a time,
 * stopping (and telling GDB why) at a breakpoint, after a watchpoint hit or
 * after a single step. Returns the instructions retired. */
int64_t gdb_run_cpu(wvm_machine *m, ir_cpu *cpu, int64_t budget);

/* The guest halted with exit status `code`: tell an attached GDB. */
void gdb_guest_exited(wvm_machine *m, int code);

#endif
