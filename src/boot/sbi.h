/* The built-in SBI firmware (`-bios builtin`). */
#ifndef WVM_SBI_H
#define WVM_SBI_H

#include <stdint.h>

#include "arch/riscv/hart.h"

typedef struct wvm_machine wvm_machine;

/* Prepare the harts of `m` as OpenSBI would hand them to a kernel: hart 0
 * in S-mode at guest-physical `entry` with a0 = 0, a1 = `fdt` (guest-physical
 * address of the device tree); other harts stopped until SBI HSM hart_start.
 * Installs sbi_call as every hart's S-mode ecall handler. */
void sbi_setup(wvm_machine *m, uint64_t entry, uint64_t fdt);

/* Route the harts' ecalls from S-mode to the built-in SBI (sbi_setup does
 * this; a restored machine needs it too). */
void sbi_attach(wvm_machine *m);

/* Handle an SBI call from S-mode on hart `h` (a7 = extension, a6 =
 * function, a0-a5 arguments; returns error in a0, value in a1). `opaque` is
 * the machine. Returns 1 (always handled; unknown calls return
 * SBI_ERR_NOT_SUPPORTED). SBI spec v2.0. */
int sbi_call(rv_hart *h, void *opaque);

#endif
