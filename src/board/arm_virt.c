/* QEMU's aarch64 `virt` board (hw/arm/virt.c, its memory map): RAM at
 * 0x4000_0000, the GICv3, the PL011 UART, the PL031 RTC, the virtio-mmio
 * slots at 0x0a00_0000, the generic timer; boots a Linux arm64 Image (Documentation/arm64/
 * booting.rst: at EL1, MMU off, x0 = the device tree) or a bare-metal ELF. */
#include "board/arm_virt.h"

#include <stdlib.h>
#include <string.h>

#include "core/state.h"

#define IMAGE_MAGIC 0x644d5241u /* "ARM\x64" at offset 56 of an arm64 Image */
#define FDT_MAX (64u << 10)

static void uart_tx(void *opaque, uint8_t c) { machine_console_out(opaque, &c, 1); }

static uint64_t wall_ns(void *opaque) { return machine_wall_ns(opaque); }

/* The generic timer's counter: guest time in ticks of ARM_VIRT_CNTFRQ. */
static uint64_t counter(void *opaque) { return machine_guest_ns(opaque) / ARM_VIRT_NS_PER_TICK; }

static int cpu_index(const a64_cpu *c) { return (int)(c->mpidr & 0xff); }

static irq_line spi(arm_virt *v, int n) { return (irq_line){gicv3_set_spi, &v->gic, GICV3_SPI(n)}; }

static void virtio_slot(wvm_machine *m, int slot, uint64_t *base, irq_line *irq)
{
    *base = ARM_VIRT_VIRTIO_BASE + ARM_VIRT_VIRTIO_SIZE * (uint64_t)slot;
    *irq = spi(arm_virt_of(m), ARM_VIRT_VIRTIO_SPI + slot);
}

/* The GIC drives a CPU's IRQ and FIQ inputs; a raised one is taken at the
 * next block boundary. */
static void gic_signal(void *opaque, int cpu, int irq, int fiq)
{
    a64_cpu *c = ((arm_virt *)opaque)->cpus[cpu];
    c->irq = irq;
    c->fiq = fiq;
    if (irq || fiq)
        c->cpu.exit_req = 1;
}

static int gic_cpuif(a64_cpu *c, unsigned key, int write, uint64_t *v)
{
    return gicv3_cpuif_access(&arm_virt_of(c->board_opaque)->gic, cpu_index(c), key, write, v);
}

/* A timer's output (Arm ARM D11.2.4): enabled, not masked, condition met. */
static int timer_fires(uint64_t ctl, uint64_t cval, uint64_t now)
{
    return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE && now >= cval;
}

/* Drive CPU c's virtual and physical timer PPIs. */
static void drive_timers(a64_cpu *c)
{
    wvm_machine *m = c->board_opaque;
    uint64_t now = counter(m);
    gicv3 *gic = &arm_virt_of(m)->gic;
    gicv3_set_ppi(gic, cpu_index(c), ARM_VIRT_PPI_VTIMER, timer_fires(c->cntv_ctl, c->cntv_cval, now));
    gicv3_set_ppi(gic, cpu_index(c), ARM_VIRT_PPI_PTIMER, timer_fires(c->cntp_ctl, c->cntp_cval, now));
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
        c->cpuif = gic_cpuif;
        c->timer_changed = drive_timers;
        c->board_opaque = m;
        c->stopped = i > 0; /* secondaries wait for PSCI CPU_ON */
    }
    int err = gicv3_init(&v->gic, &m->pm, m->ncpus, gic_signal, v);
    err |= pl011_init(&v->uart, &m->pm, ARM_VIRT_UART_BASE, spi(v, ARM_VIRT_UART_SPI), uart_tx, m);
    err |= pl031_init(&v->rtc, &m->pm, ARM_VIRT_RTC_BASE, spi(v, ARM_VIRT_RTC_SPI), wall_ns, m);
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

/* Linux's arm64 boot protocol (Documentation/arm64/booting.rst): the
 * device tree 2 MiB-aligned at the top of RAM, its address in x0. */
static int boot(wvm_machine *m)
{
    static uint8_t dtb[FDT_MAX];
    size_t size = arm_virt_fdt_build(m, dtb, sizeof(dtb));
    if (!size)
        return wvm_fail("the device tree does not fit in %u bytes", FDT_MAX);
    uint64_t fdt = (ARM_VIRT_RAM_BASE + m->pm.ram_size - size) & ~((2ull << 20) - 1);
    if (fdt < m->initrd_end || fdt < m->kernel_end)
        return wvm_fail("no room for the device tree above the kernel and initrd (try a larger -m)");
    memcpy(phys_ram_ptr(&m->pm, fdt, size), dtb, size);
    a64_cpu *c = arm_virt_of(m)->cpus[0];
    c->cpu.pc = m->kernel_entry;
    c->cpu.r[A64_X(0)] = fdt;
    return 0;
}

static void update(wvm_machine *m)
{
    arm_virt *v = arm_virt_of(m);
    for (int i = 0; i < m->ncpus; i++)
        drive_timers(v->cpus[i]);
    pl031_update(&v->rtc);
}

/* The earliest deadline of an armed timer that has not fired yet. */
static uint64_t next_event_ns(wvm_machine *m)
{
    uint64_t now = counter(m), next = UINT64_MAX;
    for (int i = 0; i < m->ncpus; i++) {
        const a64_cpu *c = arm_virt_of(m)->cpus[i];
        const uint64_t ctl[2] = {c->cntv_ctl, c->cntp_ctl}, cval[2] = {c->cntv_cval, c->cntp_cval};
        for (int t = 0; t < 2; t++)
            if ((ctl[t] & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE && cval[t] > now && cval[t] < next)
                next = cval[t];
    }
    return next == UINT64_MAX || next > UINT64_MAX / ARM_VIRT_NS_PER_TICK ? UINT64_MAX : next * ARM_VIRT_NS_PER_TICK;
}

static size_t console_rx(wvm_machine *m, const uint8_t *p, size_t n)
{
    return pl011_rx_push(&arm_virt_of(m)->uart, p, n);
}

static void state(wvm_machine *m, sv_io *io)
{
    arm_virt *v = arm_virt_of(m);
    gicv3_state(&v->gic, io);
    pl011_state(&v->uart, io);
    pl031_state(&v->rtc, io);
}

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
