/* The memory map of QEMU's riscv64 `virt` board (hw/riscv/virt.c,
 * virt_memmap) as wvm lays it out, and its interrupt numbers and device
 * slots. */
#ifndef WVM_RISCV_VIRT_MAP_H
#define WVM_RISCV_VIRT_MAP_H

#include "board/virtio_slots.h"

#define VIRT_MROM_BASE 0x1000ull        /* boot ROM: fw_dynamic_info */
#define VIRT_TEST_BASE 0x100000ull      /* sifive_test / syscon */
#define VIRT_RTC_BASE 0x101000ull
#define VIRT_UART_BASE 0x10000000ull
#define VIRT_VIRTIO_BASE 0x10001000ull  /* slot n at + n * 0x1000, irq 1 + n */
#define VIRT_RAM_BASE 0x80000000ull
#define VIRT_KERNEL_BASE 0x80200000ull  /* S-mode kernel when firmware is present */
#define VIRT_UART_IRQ 10
#define VIRT_RTC_IRQ 11

#endif
