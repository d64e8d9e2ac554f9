/* The riscv64 virt machine: RAM, harts and devices (internal). */
#ifndef WVM_MACHINE_H
#define WVM_MACHINE_H

#include "arch/riscv/hart.h"
#include "core/wvm.h"
#include "dev/clint.h"
#include "ir/cache.h"
#include "mem/phys.h"

#define VIRT_RAM_BASE 0x80000000ull
#define CONSOLE_BUF 65536

struct wvm_machine {
    phys_map pm;
    ir_cache cache;
    rv_hart *harts[IR_MAX_CPUS];
    int nharts;
    clint clint;
    uint64_t start_ns;        /* host time of mtime == 0 */
    /* kernel */
    const char *kernel_kind;  /* "elf" or "raw", NULL if none */
    uint64_t kernel_entry;
    uint64_t tohost, fromhost; /* HTIF addresses (0: none) */
    /* state */
    int halted, exit_code;
    uint8_t console[CONSOLE_BUF];
    size_t con_head, con_len;
};

/* Append guest console output. */
void machine_console_out(wvm_machine *m, const uint8_t *p, size_t n);

/* Stop the machine with exit status `code` (guest poweroff, HTIF exit). */
void machine_halt(wvm_machine *m, int code);

/* Set the thread's last-error message (printf-style). Returns -1. */
int wvm_fail(const char *fmt, ...);

#endif
