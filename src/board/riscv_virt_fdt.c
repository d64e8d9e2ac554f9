/* Device tree of the wvm virt machine. Addresses, sizes and interrupt
 * numbers follow QEMU's virt memory map; bindings are those named by each
 * node's compatible (Linux Documentation/devicetree/bindings). */
#include "board/riscv_virt_fdt.h"

#include <stdio.h>

#include "boot/fdt.h"

#define VIRT_TEST_BASE 0x100000u
#define VIRT_RTC_BASE 0x101000u
#define VIRT_CLINT_BASE 0x2000000u
#define VIRT_PLIC_BASE 0xc000000u
#define VIRT_PLIC_SIZE 0x600000u
#define VIRT_UART_BASE 0x10000000u
#define VIRT_VIRTIO_BASE 0x10001000u
#define VIRT_UART_IRQ 10
#define VIRT_RTC_IRQ 11

/* Local interrupt numbers on a hart's riscv,cpu-intc (mip bit numbers). */
#define IRQ_M_SOFT 3
#define IRQ_M_TIMER 7
#define IRQ_S_EXT 9
#define IRQ_M_EXT 11

static uint32_t cpu_phandle(int hart) { return 2 * (uint32_t)hart + 1; }
static uint32_t intc_phandle(int hart) { return 2 * (uint32_t)hart + 2; }

/* interrupts-extended = <&intc(h) a &intc(h) b> for every hart h. */
static void per_hart_irqs(fdt *f, int nharts, uint32_t a, uint32_t b)
{
    uint32_t cells[4 * VIRT_FDT_MAX_HARTS];
    for (int h = 0; h < nharts; h++) {
        cells[4 * h + 0] = intc_phandle(h);
        cells[4 * h + 1] = a;
        cells[4 * h + 2] = intc_phandle(h);
        cells[4 * h + 3] = b;
    }
    fdt_prop_cells(f, "interrupts-extended", cells, 4 * (size_t)nharts);
}

/* A PLIC-wired device: reg, interrupts, interrupt-parent. */
static void plic_dev(fdt *f, uint32_t plic, uint64_t base, uint64_t size, uint32_t irq)
{
    fdt_prop_reg64(f, base, size);
    fdt_prop_u32(f, "interrupts", irq);
    fdt_prop_u32(f, "interrupt-parent", plic);
}

static void cpus(fdt *f, const virt_fdt_config *c)
{
    char s[32];
    fdt_begin_node(f, "cpus");
    fdt_prop_u32(f, "#address-cells", 1);
    fdt_prop_u32(f, "#size-cells", 0);
    fdt_prop_u32(f, "timebase-frequency", c->timebase_hz);
    for (int h = 0; h < c->nharts; h++) {
        fdt_begin_node_at(f, "cpu", (uint64_t)h);
        fdt_prop_u32(f, "phandle", cpu_phandle(h));
        fdt_prop_string(f, "device_type", "cpu");
        fdt_prop_u32(f, "reg", (uint32_t)h);
        fdt_prop_string(f, "status", "okay");
        FDT_COMPAT(f, "riscv");
        fdt_prop_string(f, "riscv,isa", c->isa);
        fdt_prop_string(f, "mmu-type", c->mmu_type);
        fdt_begin_node(f, "interrupt-controller");
        fdt_prop_u32(f, "#interrupt-cells", 1);
        fdt_prop_empty(f, "interrupt-controller");
        FDT_COMPAT(f, "riscv,cpu-intc");
        fdt_prop_u32(f, "phandle", intc_phandle(h));
        fdt_end_node(f);
        fdt_end_node(f);
    }
    fdt_begin_node(f, "cpu-map");
    fdt_begin_node(f, "cluster0");
    for (int h = 0; h < c->nharts; h++) {
        snprintf(s, sizeof s, "core%d", h);
        fdt_begin_node(f, s);
        fdt_prop_u32(f, "cpu", cpu_phandle(h));
        fdt_end_node(f);
    }
    fdt_end_node(f);
    fdt_end_node(f);
    fdt_end_node(f);
}

static void soc(fdt *f, const virt_fdt_config *c, uint32_t plic, uint32_t test)
{
    fdt_begin_node(f, "soc");
    fdt_prop_u32(f, "#address-cells", 2);
    fdt_prop_u32(f, "#size-cells", 2);
    FDT_COMPAT(f, "simple-bus");
    fdt_prop_empty(f, "ranges");

    fdt_begin_node_at(f, "test", VIRT_TEST_BASE); /* sifive_test: poweroff/reboot syscon */
    fdt_prop_u32(f, "phandle", test);
    fdt_prop_reg64(f, VIRT_TEST_BASE, 0x1000);
    FDT_COMPAT(f, "sifive,test1", "sifive,test0", "syscon");
    fdt_end_node(f);

    fdt_begin_node_at(f, "rtc", VIRT_RTC_BASE);
    plic_dev(f, plic, VIRT_RTC_BASE, 0x1000, VIRT_RTC_IRQ);
    FDT_COMPAT(f, "google,goldfish-rtc");
    fdt_end_node(f);

    fdt_begin_node_at(f, "clint", VIRT_CLINT_BASE);
    per_hart_irqs(f, c->nharts, IRQ_M_SOFT, IRQ_M_TIMER);
    fdt_prop_reg64(f, VIRT_CLINT_BASE, 0x10000);
    FDT_COMPAT(f, "sifive,clint0", "riscv,clint0");
    fdt_end_node(f);

    fdt_begin_node_at(f, "plic", VIRT_PLIC_BASE);
    fdt_prop_u32(f, "phandle", plic);
    fdt_prop_u32(f, "riscv,ndev", VIRT_FDT_PLIC_NDEV);
    fdt_prop_reg64(f, VIRT_PLIC_BASE, VIRT_PLIC_SIZE);
    per_hart_irqs(f, c->nharts, IRQ_M_EXT, IRQ_S_EXT); /* contexts 2h, 2h+1 */
    fdt_prop_empty(f, "interrupt-controller");
    FDT_COMPAT(f, "sifive,plic-1.0.0", "riscv,plic0");
    fdt_prop_u32(f, "#address-cells", 0);
    fdt_prop_u32(f, "#interrupt-cells", 1);
    fdt_end_node(f);

    fdt_begin_node_at(f, "serial", VIRT_UART_BASE);
    plic_dev(f, plic, VIRT_UART_BASE, 0x100, VIRT_UART_IRQ);
    fdt_prop_u32(f, "clock-frequency", VIRT_FDT_UART_CLOCK_HZ);
    FDT_COMPAT(f, "ns16550a");
    fdt_end_node(f);

    for (int n = 0; n < c->virtio_slots_used; n++) {
        uint64_t base = VIRT_VIRTIO_BASE + 0x1000u * (uint64_t)n;
        fdt_begin_node_at(f, "virtio_mmio", base);
        plic_dev(f, plic, base, 0x1000, virt_virtio_irq(n));
        FDT_COMPAT(f, "virtio,mmio");
        fdt_end_node(f);
    }
    fdt_end_node(f);
}

/* /poweroff or /reboot: a write of `value` to offset 0 of the test device. */
static void syscon_action(fdt *f, const char *name, const char *compat, uint32_t test, uint32_t value)
{
    fdt_begin_node(f, name);
    fdt_prop_u32(f, "value", value);
    fdt_prop_u32(f, "offset", 0);
    fdt_prop_u32(f, "regmap", test);
    FDT_COMPAT(f, compat);
    fdt_end_node(f);
}

size_t virt_fdt_build(const virt_fdt_config *c, uint8_t *buf, size_t cap)
{
    if (!c || c->nharts < 1 || c->nharts > VIRT_FDT_MAX_HARTS || c->ram_size == 0 || !c->isa ||
        !c->mmu_type || c->virtio_slots_used < 0 || c->virtio_slots_used > VIRT_FDT_VIRTIO_SLOTS ||
        c->initrd_end < c->initrd_start)
        return 0;
    uint32_t plic = 2 * (uint32_t)c->nharts + 1, test = plic + 1;
    fdt f;
    fdt_init(&f, buf, cap);

    fdt_begin_node(&f, "");
    fdt_prop_u32(&f, "#address-cells", 2);
    fdt_prop_u32(&f, "#size-cells", 2);
    FDT_COMPAT(&f, "riscv-virtio");
    fdt_prop_string(&f, "model", "riscv-virtio,qemu");

    fdt_begin_node(&f, "chosen");
    if (c->bootargs)
        fdt_prop_string(&f, "bootargs", c->bootargs);
    fdt_prop_string(&f, "stdout-path", c->stdout_path ? c->stdout_path : "/soc/serial@10000000");
    if (c->initrd_start || c->initrd_end) {
        fdt_prop_u64(&f, "linux,initrd-start", c->initrd_start);
        fdt_prop_u64(&f, "linux,initrd-end", c->initrd_end);
    }
    fdt_end_node(&f);

    syscon_action(&f, "poweroff", "syscon-poweroff", test, 0x5555);
    syscon_action(&f, "reboot", "syscon-reboot", test, 0x7777);

    fdt_begin_node_at(&f, "memory", c->ram_base);
    fdt_prop_string(&f, "device_type", "memory");
    fdt_prop_reg64(&f, c->ram_base, c->ram_size);
    fdt_end_node(&f);

    cpus(&f, c);
    soc(&f, c, plic, test);
    fdt_end_node(&f);
    return fdt_finish(&f);
}
