/* QEMU's riscv64 `virt` board: its devices and boot path (riscv_virt.c,
 * riscv_virt_boot.c), its memory map (riscv_virt_map.h). */
#ifndef WVM_RISCV_VIRT_H
#define WVM_RISCV_VIRT_H

#include "arch/riscv/hart.h"
#include "board/riscv_virt_map.h"
#include "core/machine.h"
#include "dev/clint.h"
#include "dev/goldfish_rtc.h"
#include "dev/plic.h"
#include "dev/syscon.h"
#include "dev/uart16550.h"

/* The board's own devices (wvm_machine.board_data). */
typedef struct riscv_virt {
    rv_hart *harts[IR_MAX_CPUS]; /* the machine's CPUs */
    clint clint;
    plic plic;
    uart16550 uart;
    syscon test;
    goldfish_rtc rtc;
    uint8_t mrom[64]; /* reset ROM contents (fw_dynamic_info) */
} riscv_virt;

/* The board of machine `m` (a riscv64 machine). */
static inline riscv_virt *riscv_virt_of(wvm_machine *m) { return m->board_data; }

/* The riscv64 virt board (core/board.h). */
extern const board_class riscv_virt_board;

/* The RV64GC hart as a cpu_class (arch/riscv/cpu_class.c). */
extern const cpu_class riscv_cpu_class;

/* The boot protocol: the device tree at the top of RAM and every hart's
 * entry state for the machine's firmware choice (riscv_virt_boot.c).
 * Returns 0, or -1 with wvm_last_error set. */
int riscv_virt_boot(wvm_machine *m);

#endif
