/* QEMU's riscv64 `virt` board: its devices and boot path (riscv_virt.c,
 * riscv_virt_boot.c), its memory map (riscv_virt_map.h). */
#ifndef WVM_RISCV_VIRT_H
#define WVM_RISCV_VIRT_H

#include "core/machine.h"

/* Map the board's devices into machine `m` (harts created): boot ROM,
 * CLINT, PLIC, UART, syscon, RTC, virtio-console and virtio-rng in their
 * slots. Returns 0, or -1 with wvm_last_error set (the address map is full). */
int riscv_virt_init(wvm_machine *m);

/* The boot protocol: the device tree at the top of RAM and every hart's
 * entry state for the machine's firmware choice (riscv_virt_boot.c).
 * Returns 0, or -1 with wvm_last_error set. */
int riscv_virt_boot(wvm_machine *m);

#endif
