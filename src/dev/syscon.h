/* The "sifive,test" finisher of QEMU's virt board (hw/misc/sifive_test.c
 * interface; layout of hw/riscv/virt.c: base 0x10_0000, 0x1000 bytes), which
 * OpenSBI and Linux (syscon-poweroff / syscon-reboot) use to stop the
 * machine. A 32-bit (also 16/64-bit, low 32 bits used) write to offset 0 of
 *   0x5555                 powers off, exit status 0 (pass);
 *   (code << 16) | 0x3333  powers off, exit status `code` (fail, 16 bits);
 *   0x7777                 resets the machine.
 * Other values and offsets are ignored; reads return 0. */
#ifndef WVM_SYSCON_H
#define WVM_SYSCON_H

#include <stdint.h>

#include "mem/phys.h"

#define SYSCON_BASE 0x100000ull /* guest-physical */
#define SYSCON_SIZE 0x1000ull   /* bytes */

enum { SYSCON_POWEROFF = 0, SYSCON_RESET = 1 };

typedef struct syscon {
    /* kind: SYSCON_POWEROFF or SYSCON_RESET; code: exit status (0 = pass) */
    void (*action)(void *opaque, int kind, int code);
    void *opaque;
} syscon;

/* Map the finisher at guest-physical `base` (SYSCON_SIZE bytes); a guest
 * command calls `action(opaque, kind, code)` (code is 0 for a reset).
 * Returns 0, or -1 if the address map is full. */
int syscon_init(syscon *s, phys_map *pm, uint64_t base,
                void (*action)(void *opaque, int kind, int code), void *opaque);

#endif
