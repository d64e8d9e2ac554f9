/* QEMU's aarch64 `virt` board (hw/arm/virt.c): its memory map and devices
 * (arm_virt.c), semihosting and PSCI (arm_virt_calls.c). */
#ifndef WVM_ARM_VIRT_H
#define WVM_ARM_VIRT_H

#include "arch/arm64/cpu.h"
#include "core/machine.h"
#include "dev/gicv3.h"
#include "dev/pl011.h"
#include "dev/pl031.h"

#define ARM_VIRT_UART_BASE 0x09000000ull   /* PL011 */
#define ARM_VIRT_UART_SPI 1
#define ARM_VIRT_RTC_BASE 0x09010000ull    /* PL031 */
#define ARM_VIRT_RTC_SPI 2
#define ARM_VIRT_VIRTIO_BASE 0x0a000000ull /* slot n at + n * ARM_VIRT_VIRTIO_SIZE, SPI 16 + n */
#define ARM_VIRT_VIRTIO_SIZE 0x200ull
#define ARM_VIRT_VIRTIO_SPI 16
#define ARM_VIRT_RAM_BASE 0x40000000ull
#define ARM_VIRT_CNTFRQ 62500000ull        /* generic timer ticks per second, as QEMU */
#define ARM_VIRT_NS_PER_TICK 16ull         /* of the generic timer: 1e9 / ARM_VIRT_CNTFRQ */
/* The generic timer's PPIs (INTIDs, Arm ARM D11.2.4). */
#define ARM_VIRT_PPI_VTIMER 27
#define ARM_VIRT_PPI_PTIMER 30

/* The board's own devices (wvm_machine.board_data). */
typedef struct arm_virt {
    a64_cpu *cpus[IR_MAX_CPUS];
    gicv3 gic;
    pl011 uart;
    pl031 rtc;
} arm_virt;

static inline arm_virt *arm_virt_of(wvm_machine *m) { return m->board_data; }

/* The aarch64 virt board (core/board.h). */
extern const board_class arm_virt_board;

/* Arm semihosting (HLT #0xf000: SYS_WRITEC, SYS_WRITE0, SYS_EXIT,
 * SYS_EXIT_EXTENDED) and PSCI 1.0 over HVC or SMC for CPU c; `opaque` is
 * the machine. Return nonzero if handled (x0 holds the result). */
int arm_virt_semihost(a64_cpu *c, void *opaque);
int arm_virt_psci(a64_cpu *c, void *opaque);

/* Write the machine's device tree (booting.rst: x0 at entry) into `buf`
 * (`cap` bytes). Returns its size in bytes, or 0 if it does not fit. */
size_t arm_virt_fdt_build(wvm_machine *m, uint8_t *buf, size_t cap);

#endif
