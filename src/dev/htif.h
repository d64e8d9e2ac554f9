/* HTIF, the Berkeley host-target interface of Spike and riscv-tests: the
 * guest writes commands to the `tohost` word of its ELF, the host answers in
 * `fromhost`. Device 0 command 0: value 1 = pass (exit 0), (n << 1) | 1 =
 * failure n (exit n), an even value = guest-physical address of a syscall
 * block (only write(2) to stdout/stderr is served); device 1 command 1:
 * console putchar. */
#ifndef WVM_HTIF_H
#define WVM_HTIF_H

#include <stdint.h>

typedef struct wvm_machine wvm_machine;

/* Map the HTIF words at guest-physical `tohost` and `fromhost` (0 if the
 * ELF has none). Returns 0, or -1 if the address map is full. */
int htif_init(wvm_machine *m, uint64_t tohost, uint64_t fromhost);

#endif
