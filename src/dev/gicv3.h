/* Arm Generic Interrupt Controller v3 (Arm IHI 0069H, "GICv3 and GICv4
 * Architecture Specification") as on QEMU's aarch64 virt board
 * (gic-version=3): a distributor (GICD, 64 KiB at GICV3_DIST_BASE), one
 * redistributor per CPU (GICR: RD_base and SGI_base frames, 128 KiB each
 * from GICV3_REDIST_BASE) and the CPU interface as system registers
 * (ICC_*_EL1, reached through gicv3_cpuif_access). One Security state
 * (GICD_CTLR.DS = 1), affinity routing always on (ARE = 1), no LPIs and no
 * ITS. INTIDs 0-15 are SGIs, 16-31 PPIs (banked per CPU), 32 up to
 * GICV3_NUM_IRQS - 1 SPIs. Group 1 interrupts signal IRQ, Group 0 FIQ.
 * 5 priority bits, as QEMU's. */
#ifndef WVM_GICV3_H
#define WVM_GICV3_H

#include <stdint.h>

#include "mem/phys.h"

#define GICV3_DIST_BASE 0x08000000ull
#define GICV3_DIST_SIZE 0x10000ull
#define GICV3_REDIST_BASE 0x080a0000ull
#define GICV3_REDIST_STRIDE 0x20000ull /* bytes per CPU: RD_base + SGI_base */
#define GICV3_NUM_IRQS 128             /* INTIDs 0..127: 96 SPIs */
#define GICV3_MAX_CPUS 8
#define GICV3_PPI(n) (16 + (n))        /* INTID of PPI n */
#define GICV3_SPI(n) (32 + (n))        /* INTID of SPI n */
#define GICV3_ACTIVE_MAX 16            /* nesting depth of acknowledged interrupts per CPU */

/* The state of one INTID (for SGIs and PPIs, of one CPU's copy). */
typedef struct gicv3_irq {
    uint8_t priority;  /* 0 highest; low 3 bits read as 0 */
    uint8_t group;     /* 1: Group 1 (IRQ), 0: Group 0 (FIQ) */
    uint8_t enabled;
    uint8_t pending;   /* latched (edge, SGI, ISPENDR) */
    uint8_t active;
    uint8_t edge;      /* ICFGR: 1 edge-triggered, 0 level-sensitive */
    uint8_t level;     /* current level of the input line */
    uint8_t route;     /* SPI: GICD_IROUTER's Aff0 (the CPU number) */
} gicv3_irq;

/* One CPU's redistributor and CPU interface. */
typedef struct gicv3_cpu {
    gicv3_irq local[32]; /* SGIs and PPIs */
    uint32_t waker;      /* GICR_WAKER.ProcessorSleep (bit 1) */
    uint8_t pmr, bpr0, bpr1, igrpen0, igrpen1;
    uint8_t eoimode;     /* ICC_CTLR_EL1.EOImode */
    /* Priorities of acknowledged interrupts not yet dropped (EOIR), top
     * last: the running priority is the last one's. */
    uint8_t active_prio[GICV3_ACTIVE_MAX];
    uint8_t nactive;
    uint8_t irq_out, fiq_out; /* the lines to the CPU, as last driven */
} gicv3_cpu;

typedef struct gicv3 {
    int ncpus;
    uint32_t ctlr;                       /* GICD_CTLR.EnableGrp0 (bit 0), EnableGrp1 (bit 1) */
    gicv3_irq spi[GICV3_NUM_IRQS - 32];
    gicv3_cpu cpu[GICV3_MAX_CPUS];
    /* Drive CPU `cpu`'s IRQ and FIQ inputs (levels 0 or 1). */
    void (*signal)(void *opaque, int cpu, int irq, int fiq);
    void *opaque;
} gicv3;

/* Reset the GIC for `ncpus` CPUs (1..GICV3_MAX_CPUS, whose MPIDR Aff0 is
 * their index) and map the distributor at GICV3_DIST_BASE and the
 * redistributors from GICV3_REDIST_BASE. `signal` drives the CPUs' IRQ and
 * FIQ lines. Returns 0, or -1 (bad ncpus, address map full). */
int gicv3_init(gicv3 *g, phys_map *pm, int ncpus, void (*signal)(void *opaque, int cpu, int irq, int fiq),
               void *opaque);

/* Drive SPI input `irq` (an INTID, 32..GICV3_NUM_IRQS-1) to `level`:
 * an irq_line.set with the GIC as `opaque`. Others are ignored. */
void gicv3_set_spi(void *opaque, int irq, int level);

/* Drive PPI input `intid` (16..31) of CPU `cpu` to `level`. */
void gicv3_set_ppi(gicv3 *g, int cpu, int intid, int level);

/* An access by CPU `cpu` to a CPU interface register ICC_*_EL1, `key` =
 * op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2 (the MRS/MSR
 * encoding, bits 20:5). Reads into *v, writes from *v. Returns 1 if `key`
 * is a GIC register, 0 if not (IHI 0069H, 12.2). */
int gicv3_cpuif_access(gicv3 *g, int cpu, unsigned key, int write, uint64_t *v);

/* Save or load the GIC's state as section "gicv3" (core/state.h). */
struct sv_io;
void gicv3_state(gicv3 *g, struct sv_io *io);

#endif
