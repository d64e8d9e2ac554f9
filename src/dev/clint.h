/* The hart-local interruptor of QEMU's virt board (SiFive CLINT layout, i.e.
 * ACLINT MSWI + MTIMER): msip at +0x0 + 4*hart, mtimecmp at +0x4000 +
 * 8*hart, mtime at +0xbff8. RISC-V ACLINT spec v1.0, 2-3. */
#ifndef WVM_CLINT_H
#define WVM_CLINT_H

#include <stdint.h>

#include "arch/riscv/hart.h"
#include "mem/phys.h"

#define CLINT_BASE 0x02000000ull
#define CLINT_SIZE 0x10000ull
#define CLINT_FREQ_HZ 10000000ull /* mtime ticks per second (timebase-frequency) */

typedef struct clint {
    rv_hart **harts;
    int nharts;
    uint64_t mtimecmp[8];
    /* mtime source (ticks of CLINT_FREQ_HZ) and its owner */
    uint64_t (*now)(void *opaque);
    void *opaque;
} clint;

/* Map the CLINT at CLINT_BASE for `nharts` harts with time source `now`.
 * Returns 0, or -1 if the address map is full. */
int clint_init(clint *c, phys_map *pm, rv_hart **harts, int nharts,
               uint64_t (*now)(void *), void *opaque);

/* Re-evaluate every hart's MTIP (mtime >= mtimecmp) and Sstc STIP. */
void clint_update(clint *c);

/* Ticks until the earliest future timer deadline (mtimecmp or stimecmp of
 * any hart) from now; UINT64_MAX if none is armed. */
uint64_t clint_next_deadline(clint *c);

/* Save or load the CLINT's state (mtimecmp of each hart; msip lives in the
 * harts' mip) as section "clint" (core/state.h). mtime is the machine's. */
struct sv_io;
void clint_state(clint *c, struct sv_io *io);

#endif
