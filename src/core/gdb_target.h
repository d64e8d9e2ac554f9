/* What the GDB stub (core/gdbstub.c) needs to know about a guest
 * architecture, as data: the registers GDB sees, grouped in the features of
 * the target description ("Target Descriptions" and "Standard Target
 * Features" in the GDB manual), and how they map onto the cpu_class's
 * register numbering (wvm_reg, core/wvm.h). Each architecture's cpu_class
 * points at its gdb_target (core/board.h). */
#ifndef WVM_GDB_TARGET_H
#define WVM_GDB_TARGET_H

#include <stddef.h>
#include <stdint.h>

/* One register: GDB's number for it (the target description's regnum, the
 * 'p'/'P' packets' n), its wvm_reg index, its width in bits (a multiple of
 * 8: the bytes it takes, little-endian, in 'g'/'p' replies) and its type in
 * the target description (NULL: the default, "int"). */
typedef struct gdb_reg {
    const char *name;
    uint16_t regnum;
    uint16_t index;
    uint8_t bits;
    const char *type;
} gdb_reg;

/* One feature of the target description: its name (GDB requires the
 * standard ones by name), type definitions that come before its registers
 * (<flags>, <vector>...; "" for none), and its registers. */
typedef struct gdb_feature {
    const char *name;
    const char *types;
    const gdb_reg *regs;
    size_t nregs;
} gdb_feature;

/* An architecture as GDB sees it. */
typedef struct gdb_target {
    const char *architecture;    /* the <architecture> element: a BFD name ("riscv:rv64", "aarch64") */
    const gdb_feature *features;
    size_t nfeatures;
    unsigned g_regs;             /* 'g'/'G' carry registers 0..g_regs-1 (each must exist), the rest go by 'p' */
    uint16_t pc_index;           /* wvm_reg index of the PC ('c ADDR', 's ADDR') */
    const char *cpu_name;        /* what qThreadExtraInfo calls a CPU ("hart", "cpu") */
} gdb_target;

/* The targets of the architectures wvm has (arch/riscv/gdb_target.c,
 * arch/arm64/gdb_target.c). */
extern const gdb_target riscv_gdb_target;
extern const gdb_target a64_gdb_target;

#endif
