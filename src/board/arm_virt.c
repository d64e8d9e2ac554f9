/* QEMU's aarch64 `virt` board (hw/arm/virt.c, its memory map): RAM at
 * 0x4000_0000, the PL011 UART, the virtio-mmio slots at 0x0a00_0000, the
 * generic timer's counter; boots a Linux arm64 Image (Documentation/arm64/
 * booting.rst: at EL1, MMU off, x0 = the device tree) or a bare-metal ELF. */
#include "board/arm_virt.h"

#include <stdlib.h>
#include <string.h>

#include "core/state.h"

#define IMAGE_MAGIC 0x644d5241u /* "ARM\x64" at offset 56 of an arm64 Image */

static void uart_tx(void *opaque, uint8_t c) { machine_console_out(opaque, &c, 1); }

/* The generic timer's counter: guest time in ticks of ARM_VIRT_CNTFRQ. */
static uint64_t counter(void *opaque)
{
    uint64_t ns = machine_guest_ns(opaque);
    return ns / 1000 * (ARM_VIRT_CNTFRQ / 1000000) + ns % 1000 * (ARM_VIRT_CNTFRQ / 1000000) / 1000;
}

static void virtio_slot(wvm_machine *m, int slot, uint64_t *base, irq_line *irq)
{
    (void)m;
    *base = ARM_VIRT_VIRTIO_BASE + 0x200ull * (uint64_t)slot;
    *irq = (irq_line){0}; /* no interrupt controller yet */
}

static int init(wvm_machine *m)
{
    arm_virt *v = calloc(1, sizeof(*v));
    if (!(m->board_data = v))
        return wvm_fail("out of host memory");
    if (m->bios != WVM_BIOS_NONE)
        return wvm_fail("aarch64 machines boot without firmware (-bios none)");
    for (int i = 0; i < m->ncpus; i++) {
        a64_cpu *c = v->cpus[i] = (a64_cpu *)m->cpus[i];
        c->counter = counter;
        c->cntfrq = ARM_VIRT_CNTFRQ;
        c->semihost = arm_virt_semihost;
        c->psci = arm_virt_psci;
        c->board_opaque = m;
        c->stopped = i > 0; /* secondaries wait for PSCI CPU_ON */
    }
    int err = pl011_init(&v->uart, &m->pm, ARM_VIRT_UART_BASE, (irq_line){0}, uart_tx, m);
    err |= machine_virtio_init(m);
    return err ? wvm_fail("cannot map the machine's devices") : 0;
}

static void board_free(wvm_machine *m) { free(m->board_data); }

/* A Linux arm64 Image at RAM base + text_offset (its header), or a raw
 * binary at the start of RAM. */
static int load_image(wvm_machine *m, const uint8_t *data, size_t len)
{
    uint64_t at = ARM_VIRT_RAM_BASE;
    uint32_t magic = 0;
    if (len >= 64)
        memcpy(&magic, data + 56, 4);
    if (magic == IMAGE_MAGIC) {
        uint64_t text_offset;
        memcpy(&text_offset, data + 8, 8);
        at += text_offset;
    }
    if (machine_load_at(m, at, data, len) != 0)
        return wvm_fail("kernel: %zu bytes do not fit in RAM at 0x%llx", len, (unsigned long long)at);
    m->kernel_entry = at;
    m->kernel_end = at + len;
    return 0;
}

static int boot(wvm_machine *m)
{
    a64_cpu *c = arm_virt_of(m)->cpus[0];
    c->cpu.pc = m->kernel_entry;
    c->cpu.r[A64_X(0)] = 0; /* the device tree: none yet */
    return 0;
}

static void update(wvm_machine *m) { (void)m; }

static uint64_t next_event_ns(wvm_machine *m)
{
    (void)m;
    return UINT64_MAX;
}

static size_t console_rx(wvm_machine *m, const uint8_t *p, size_t n)
{
    return pl011_rx_push(&arm_virt_of(m)->uart, p, n);
}

static void state(wvm_machine *m, sv_io *io) { pl011_state(&arm_virt_of(m)->uart, io); }

const board_class arm_virt_board = {
    .arch = WVM_ARCH_AARCH64,
    .cpu = &a64_cpu_class,
    .ram_base = ARM_VIRT_RAM_BASE,
    .init = init,
    .free = board_free,
    .virtio_slot = virtio_slot,
    .load_image = load_image,
    .boot = boot,
    .update = update,
    .next_event_ns = next_event_ns,
    .console_rx = console_rx,
    .state = state,
};
