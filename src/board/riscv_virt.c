/* QEMU's riscv64 `virt` board (hw/riscv/virt.c): its memory map, its
 * devices and how they are wired (CLINT, PLIC, NS16550A UART, syscon,
 * goldfish RTC, the virtio-mmio slots' addresses and interrupts) and its
 * boot path (riscv_virt_boot.c, the device tree of riscv_virt_fdt.c). */
#include "board/riscv_virt.h"

#include <stdlib.h>
#include <string.h>

#include "board/riscv_virt_fdt.h"
#include "boot/sbi.h"
#include "core/state.h"
#include "dev/htif.h"

#define NS_PER_TICK (1000000000ull / CLINT_FREQ_HZ)
#define M_MODE_GRACE 65536 /* most extra instructions of a turn that ends in M-mode */
#define M_MODE_STEP 64

static uint64_t mtime_now(void *opaque) { return machine_guest_ns(opaque) / NS_PER_TICK; }

static uint64_t wall_ns(void *opaque) { return machine_wall_ns(opaque); }

static void uart_tx(void *opaque, uint8_t c) { machine_console_out(opaque, &c, 1); }

static void syscon_action(void *opaque, int kind, int code)
{
    wvm_machine *m = opaque;
    machine_halt(m, code);
    m->reset_requested = kind == SYSCON_RESET;
}

static uint64_t mrom_read(void *opaque, uint64_t off, unsigned size)
{
    riscv_virt *v = opaque;
    uint64_t val = 0;
    if (off + size <= sizeof(v->mrom))
        memcpy(&val, v->mrom + off, size);
    return val;
}

static const mmio_ops mrom_ops = {mrom_read, NULL};

static irq_line plic_line(riscv_virt *v, int irq) { return (irq_line){plic_set_irq, &v->plic, irq}; }

static void virtio_slot(wvm_machine *m, int slot, uint64_t *base, irq_line *irq)
{
    *base = VIRT_VIRTIO_BASE + 0x1000ull * (uint64_t)slot;
    *irq = plic_line(riscv_virt_of(m), (int)virt_virtio_irq(slot));
}

static int init(wvm_machine *m)
{
    riscv_virt *v = calloc(1, sizeof(*v));
    if (!(m->board_data = v))
        return wvm_fail("out of host memory");
    for (int i = 0; i < m->ncpus; i++) {
        v->harts[i] = (rv_hart *)m->cpus[i];
        v->harts[i]->sstc = 1;
    }
    int err = phys_add_io(&m->pm, VIRT_MROM_BASE, sizeof(v->mrom), &mrom_ops, v);
    err |= clint_init(&v->clint, &m->pm, v->harts, m->ncpus, mtime_now, m);
    err |= plic_init(&v->plic, &m->pm, PLIC_BASE, v->harts, m->ncpus);
    err |= uart_init(&v->uart, &m->pm, VIRT_UART_BASE, plic_line(v, VIRT_UART_IRQ), uart_tx, m);
    err |= syscon_init(&v->test, &m->pm, VIRT_TEST_BASE, syscon_action, m);
    err |= goldfish_rtc_init(&v->rtc, &m->pm, VIRT_RTC_BASE, plic_line(v, VIRT_RTC_IRQ), wall_ns, m);
    err |= machine_virtio_init(m);
    return err ? wvm_fail("cannot map the machine's devices") : 0;
}

static void board_free(wvm_machine *m) { free(m->board_data); }

/* A raw kernel: at the start of RAM without firmware, else where the
 * firmware jumps (QEMU's fw_dynamic next_addr). */
static int load_image(wvm_machine *m, const uint8_t *data, size_t len)
{
    uint64_t at = m->bios == WVM_BIOS_NONE ? VIRT_RAM_BASE : VIRT_KERNEL_BASE;
    if (machine_load_at(m, at, data, len) != 0)
        return wvm_fail("kernel: %zu bytes do not fit in RAM at 0x%llx", len, (unsigned long long)at);
    m->kernel_entry = at;
    m->kernel_end = at + len;
    return 0;
}

static int wire(wvm_machine *m)
{
    if (m->tohost && htif_init(m, m->tohost, m->fromhost) != 0)
        return wvm_fail("cannot map the HTIF tohost device");
    if (m->bios == WVM_BIOS_BUILTIN)
        sbi_attach(m);
    return 0;
}

static void update(wvm_machine *m)
{
    riscv_virt *v = riscv_virt_of(m);
    goldfish_rtc_update(&v->rtc);
    clint_update(&v->clint);
}

static uint64_t next_event_ns(wvm_machine *m)
{
    riscv_virt *v = riscv_virt_of(m);
    uint64_t now = machine_guest_ns(m), ticks = clint_next_deadline(&v->clint);
    uint64_t to = ticks == UINT64_MAX ? UINT64_MAX : (now / NS_PER_TICK + ticks) * NS_PER_TICK;
    uint64_t alarm = m->rtc_clock_vm ? goldfish_rtc_next_alarm_ns(&v->rtc) : UINT64_MAX;
    return alarm != UINT64_MAX && now + alarm < to ? now + alarm : to;
}

static size_t console_rx(wvm_machine *m, const uint8_t *p, size_t n)
{
    return uart_rx_push(&riscv_virt_of(m)->uart, p, n);
}

static void state(wvm_machine *m, sv_io *io)
{
    riscv_virt *v = riscv_virt_of(m);
    clint_state(&v->clint, io);
    plic_state(&v->plic, io);
    uart_state(&v->uart, io);
    goldfish_rtc_state(&v->rtc, io);
}

/* Beside other harts, a turn that ends in M-mode goes on, M_MODE_STEP
 * instructions at a time, until the hart leaves M-mode, executes WFI or
 * stops, or M_MODE_GRACE more instructions ran: firmware is written for
 * harts that run side by side, not in turns of thousands of instructions.
 * (Debian's OpenSBI 1.1 sets a hart's HSM state to START_PENDING before it
 * stores the start address; the hart, polling that state in a WFI loop its
 * pending IPI keeps awake, ran on with the firmware's own entry address
 * and entered Linux's boot path a second time in about 5% of -smp 2
 * boots.) A hart that waits on a lock in M-mode without WFI costs its
 * peers M_MODE_GRACE instructions per turn. */
static int64_t run_cpu(wvm_machine *m, ir_cpu *cpu, int64_t budget)
{
    rv_hart *h = (rv_hart *)cpu;
    int64_t done = rv_hart_run(h, budget);
    uint64_t wfis = h->wfis;
    for (int64_t extra = 0; m->ncpus > 1 && extra < M_MODE_GRACE && h->priv == PRV_M && !h->wfi &&
                            !h->stopped && h->wfis == wfis && h->cpu.exit_req != 2;
         extra += M_MODE_STEP)
        done += rv_hart_run(h, M_MODE_STEP);
    return done;
}

const board_class riscv_virt_board = {
    .arch = WVM_ARCH_RISCV64,
    .cpu = &riscv_cpu_class,
    .ram_base = VIRT_RAM_BASE,
    .init = init,
    .free = board_free,
    .virtio_slot = virtio_slot,
    .load_image = load_image,
    .wire = wire,
    .boot = riscv_virt_boot,
    .update = update,
    .next_event_ns = next_event_ns,
    .console_rx = console_rx,
    .state = state,
    .run_cpu = run_cpu,
};
