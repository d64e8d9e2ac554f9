/* QEMU's aarch64 `virt` board (hw/arm/virt.c): its memory map and devices
 * (arm_virt.c), semihosting and PSCI (arm_virt_calls.c). */
#ifndef WVM_ARM_VIRT_H
#define WVM_ARM_VIRT_H

#include "arch/arm64/cpu.h"
#include "core/machine.h"
#include "dev/pl011.h"

#define ARM_VIRT_UART_BASE 0x09000000ull   /* PL011, SPI 1 */
#define ARM_VIRT_VIRTIO_BASE 0x0a000000ull /* slot n at + n * 0x200, SPI 16 + n */
#define ARM_VIRT_RAM_BASE 0x40000000ull
#define ARM_VIRT_CNTFRQ 62500000ull        /* generic timer ticks per second, as QEMU */

/* The board's own devices (wvm_machine.board_data). */
typedef struct arm_virt {
    a64_cpu *cpus[IR_MAX_CPUS];
    pl011 uart;
} arm_virt;

static inline arm_virt *arm_virt_of(wvm_machine *m) { return m->board_data; }

/* The aarch64 virt board (core/board.h). */
extern const board_class arm_virt_board;

/* Arm semihosting (HLT #0xf000: SYS_WRITEC, SYS_WRITE0, SYS_EXIT,
 * SYS_EXIT_EXTENDED) and PSCI 1.0 over HVC or SMC for CPU c; `opaque` is
 * the machine. Return nonzero if handled (x0 holds the result). */
int arm_virt_semihost(a64_cpu *c, void *opaque);
int arm_virt_psci(a64_cpu *c, void *opaque);

#endif
