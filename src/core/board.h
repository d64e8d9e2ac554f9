/* The seam between the core and the machines it runs: what the core needs
 * from a guest architecture's CPU (cpu_class) and from a board (board_class:
 * its memory map, devices and boot path). The core (src/core/) knows no
 * board; src/board/ has one board_class per board. */
#ifndef WVM_BOARD_H
#define WVM_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "dev/irq.h"
#include "ir/cpu.h"

struct gdb_target;
struct sv_io;
typedef struct wvm_machine wvm_machine;

/* FNV-1a over `n` bytes, continuing from `h` (state digests). */
static inline uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* One guest architecture's CPU. Its struct embeds ir_cpu first. */
typedef struct cpu_class {
    size_t size; /* bytes of the architecture's CPU struct */
    /* Reset CPU `id` with execution at guest-physical `reset_pc`; `pm` and
     * `cache` are shared by the machine's CPUs. */
    void (*init)(ir_cpu *cpu, int id, phys_map *pm, ir_cache *cache, uint64_t reset_pc);
    /* Run up to `budget` guest instructions; returns those run. */
    int64_t (*run)(ir_cpu *cpu, int64_t budget);
    /* Nonzero while the CPU waits for an interrupt or is not started. */
    int (*idle)(const ir_cpu *cpu);
    /* Save or load the CPU's architectural state (core/state.h). */
    void (*state)(ir_cpu *cpu, struct sv_io *io);
    /* FNV-1a (prime 0x100000001b3) of the architectural state, from `h`. */
    uint64_t (*digest)(const ir_cpu *cpu, uint64_t h);
    /* Register `index` in wvm_reg's numbering (core/wvm.h): read, and write
     * (returns 0, or -1 for an index that cannot be written). */
    uint64_t (*reg)(ir_cpu *cpu, int index);
    int (*set_reg)(ir_cpu *cpu, int index, uint64_t value);
    /* The CPU as the GDB stub shows it (core/gdb_target.h); NULL: the
     * stub refuses to attach to the machine. */
    const struct gdb_target *gdb;
} cpu_class;

/* One board. The virtio-mmio slots are numbered as on every virt board of
 * wvm (board/virtio_slots.h); the board says where each one is. */
typedef struct board_class {
    int arch;            /* enum wvm_arch */
    const cpu_class *cpu;
    uint64_t ram_base;   /* guest-physical */
    /* Map the board's own devices (CPUs exist). Returns 0, or -1 with
     * wvm_last_error set. The board's state is m->board_data. */
    int (*init)(wvm_machine *m);
    /* Release the board's state (may be called after a failed init). */
    void (*free)(wvm_machine *m);
    /* Virtio-mmio slot `slot`: its guest-physical base and interrupt line. */
    void (*virtio_slot)(wvm_machine *m, int slot, uint64_t *base, irq_line *irq);
    /* Place a kernel that is not an ELF (`len` bytes, the board's boot
     * image format): sets m->kernel_entry and m->kernel_end. Returns 0, or
     * -1 with wvm_last_error set. */
    int (*load_image)(wvm_machine *m, const uint8_t *data, size_t len);
    /* Map what a booted or restored machine needs beyond init (e.g. HTIF,
     * built-in firmware). Returns 0 or -1. */
    int (*wire)(wvm_machine *m);
    /* The boot protocol: device tree and every CPU's entry state. */
    int (*boot)(wvm_machine *m);
    /* Bring timers and interrupt lines up to the current guest time. */
    void (*update)(wvm_machine *m);
    /* Guest time in ns at which the next timer event is due (UINT64_MAX:
     * none armed; a time already past: due now). */
    uint64_t (*next_event_ns)(wvm_machine *m);
    /* Give host console input to the board's UART; returns bytes taken. */
    size_t (*console_rx)(wvm_machine *m, const uint8_t *p, size_t n);
    /* Save or load the board's devices other than the virtio slots. */
    void (*state)(wvm_machine *m, struct sv_io *io);
    /* Run CPU `cpu` for a turn of `budget` instructions (a board may run a
     * CPU on, as the riscv board does for M-mode). Returns those run. */
    int64_t (*run_cpu)(wvm_machine *m, ir_cpu *cpu, int64_t budget);
} board_class;

/* The board of architecture `arch` (enum wvm_arch), or NULL. */
const board_class *board_for_arch(int arch);

#endif
