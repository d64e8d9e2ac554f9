/* Platform-level interrupt controller as on QEMU's virt board (SiFive PLIC;
 * RISC-V PLIC spec v1.0.0; layout of QEMU hw/riscv/virt.c): priority of
 * source n at +4n, pending bits at +0x1000, enable bits of context c at
 * +0x2000 + 0x80c, threshold of context c at +0x20_0000 + 0x1000c and its
 * claim/complete register at +4 from there. All registers are 32-bit.
 * Contexts follow virt's "MS" layout: context 2i is hart i's M-mode (drives
 * mip.MEIP), context 2i+1 its S-mode (drives mip.SEIP). Sources are
 * level-triggered. */
#ifndef WVM_PLIC_H
#define WVM_PLIC_H

#include <stdint.h>

#include "arch/riscv/hart.h"
#include "mem/phys.h"

#define PLIC_BASE 0x0c000000ull /* guest-physical */
#define PLIC_SIZE 0x600000ull   /* bytes */
#define PLIC_NUM_SOURCES 96     /* ids 0..95; id 0 means "no interrupt" */
#define PLIC_MAX_PRIORITY 7     /* 3 priority bits; priority 0 never interrupts */
#define PLIC_MAX_HARTS 8
#define PLIC_WORDS ((PLIC_NUM_SOURCES + 31) / 32)

typedef struct plic {
    rv_hart **harts;
    int nharts;                  /* contexts: 2 * nharts */
    uint8_t priority[PLIC_NUM_SOURCES];
    uint32_t pending[PLIC_WORDS]; /* requests waiting to be claimed */
    uint32_t claimed[PLIC_WORDS]; /* claimed, not yet completed */
    uint32_t line[PLIC_WORDS];    /* current level of each input */
    uint32_t enable[2 * PLIC_MAX_HARTS][PLIC_WORDS];
    uint32_t threshold[2 * PLIC_MAX_HARTS];
} plic;

/* Reset the PLIC (all priorities, enables, thresholds and pending bits 0)
 * and map it at guest-physical `base` (PLIC_SIZE bytes) for harts
 * harts[0..nharts-1], whose mip.MEIP/SEIP it drives with rv_set_irq.
 * `harts` must outlive the PLIC. Returns 0, or -1 if nharts is not
 * 1..PLIC_MAX_HARTS or the address map is full. */
int plic_init(plic *p, phys_map *pm, uint64_t base, rv_hart **harts, int nharts);

/* Drive input `irq` (1..PLIC_NUM_SOURCES-1; others ignored) of the PLIC
 * `opaque` to `level` (0 or nonzero): an irq_line.set. A high line makes the
 * source pending unless it is claimed and not yet completed; a low line
 * clears its pending bit. The harts' external-interrupt bits follow. */
void plic_set_irq(void *opaque, int irq, int level);

/* Save or load the PLIC's state (priorities, pending, claimed and line
 * bits, each context's enables and threshold) as section "plic"
 * (core/state.h). The harts' MEIP/SEIP are saved with the harts. */
struct sv_io;
void plic_state(plic *p, struct sv_io *io);

#endif
