/* The device tree of the aarch64 virt board, as QEMU's (hw/arm/virt.c):
 * addresses and interrupts from arm_virt.h; bindings are those named by
 * each node's compatible (Linux Documentation/devicetree/bindings). */
#include "board/arm_virt.h"

#include "boot/fdt.h"

enum { PHANDLE_GIC = 1, PHANDLE_CLOCK = 2 };
enum { GIC_SPI = 0, GIC_PPI = 1 };             /* first cell of an interrupt specifier */
enum { IRQ_LEVEL_HIGH = 4 }; /* third cell: flags */
#define APB_CLOCK_HZ 24000000u

/* interrupts = <type number flags>. */
static void interrupt(fdt *f, uint32_t type, uint32_t number, uint32_t flags)
{
    fdt_prop_cells(f, "interrupts", (const uint32_t[]){type, number, flags}, 3);
}

static void cpus(fdt *f, int ncpus)
{
    fdt_begin_node(f, "cpus");
    fdt_prop_u32(f, "#address-cells", 1);
    fdt_prop_u32(f, "#size-cells", 0);
    for (int i = 0; i < ncpus; i++) {
        fdt_begin_node_at(f, "cpu", (uint64_t)i);
        fdt_prop_string(f, "device_type", "cpu");
        FDT_COMPAT(f, "arm,armv8");
        fdt_prop_u32(f, "reg", (uint32_t)i); /* MPIDR Aff0 */
        if (ncpus > 1)
            fdt_prop_string(f, "enable-method", "psci");
        fdt_end_node(f);
    }
    fdt_end_node(f);
}

/* The generic timer's PPIs: secure and non-secure EL1 physical, virtual,
 * EL2 physical (Arm ARM D11.2.4; INTIDs 29, 30, 27, 26). */
static void timer(fdt *f)
{
    static const uint32_t ppis[] = {GIC_PPI, 13, IRQ_LEVEL_HIGH, GIC_PPI, 14, IRQ_LEVEL_HIGH,
                                    GIC_PPI, 11, IRQ_LEVEL_HIGH, GIC_PPI, 10, IRQ_LEVEL_HIGH};
    fdt_begin_node(f, "timer");
    FDT_COMPAT(f, "arm,armv8-timer", "arm,armv7-timer");
    fdt_prop_cells(f, "interrupts", ppis, sizeof(ppis) / sizeof(ppis[0]));
    fdt_prop_empty(f, "always-on");
    fdt_end_node(f);
}

static void gic(fdt *f, int ncpus)
{
    uint64_t redist = GICV3_REDIST_STRIDE * (uint64_t)ncpus;
    const uint32_t reg[8] = {0, (uint32_t)GICV3_DIST_BASE, 0, (uint32_t)GICV3_DIST_SIZE,
                             0, (uint32_t)GICV3_REDIST_BASE, 0, (uint32_t)redist};
    fdt_begin_node_at(f, "intc", GICV3_DIST_BASE);
    FDT_COMPAT(f, "arm,gic-v3");
    fdt_prop_u32(f, "#interrupt-cells", 3);
    fdt_prop_empty(f, "interrupt-controller");
    fdt_prop_cells(f, "reg", reg, 8);
    fdt_prop_u32(f, "#redistributor-regions", 1);
    fdt_prop_u32(f, "phandle", PHANDLE_GIC);
    fdt_end_node(f);
}

static void primecells(fdt *f)
{
    fdt_begin_node(f, "apb-pclk");
    FDT_COMPAT(f, "fixed-clock");
    fdt_prop_u32(f, "#clock-cells", 0);
    fdt_prop_u32(f, "clock-frequency", APB_CLOCK_HZ);
    fdt_prop_string(f, "clock-output-names", "clk24mhz");
    fdt_prop_u32(f, "phandle", PHANDLE_CLOCK);
    fdt_end_node(f);

    fdt_begin_node_at(f, "pl011", ARM_VIRT_UART_BASE);
    FDT_COMPAT(f, "arm,pl011", "arm,primecell");
    fdt_prop_reg64(f, ARM_VIRT_UART_BASE, PL011_SIZE);
    interrupt(f, GIC_SPI, ARM_VIRT_UART_SPI, IRQ_LEVEL_HIGH);
    fdt_prop_cells(f, "clocks", (const uint32_t[]){PHANDLE_CLOCK, PHANDLE_CLOCK}, 2);
    fdt_prop_strings(f, "clock-names", (const char *const[]){"uartclk", "apb_pclk"}, 2);
    fdt_end_node(f);

    fdt_begin_node_at(f, "pl031", ARM_VIRT_RTC_BASE);
    FDT_COMPAT(f, "arm,pl031", "arm,primecell");
    fdt_prop_reg64(f, ARM_VIRT_RTC_BASE, PL031_SIZE);
    interrupt(f, GIC_SPI, ARM_VIRT_RTC_SPI, IRQ_LEVEL_HIGH);
    fdt_prop_u32(f, "clocks", PHANDLE_CLOCK);
    fdt_prop_string(f, "clock-names", "apb_pclk");
    fdt_end_node(f);
}

size_t arm_virt_fdt_build(wvm_machine *m, uint8_t *buf, size_t cap)
{
    fdt f;
    fdt_init(&f, buf, cap);
    fdt_begin_node(&f, "");
    fdt_prop_u32(&f, "#address-cells", 2);
    fdt_prop_u32(&f, "#size-cells", 2);
    fdt_prop_u32(&f, "interrupt-parent", PHANDLE_GIC);
    FDT_COMPAT(&f, "linux,dummy-virt");
    fdt_prop_string(&f, "model", "linux,dummy-virt");

    fdt_begin_node(&f, "chosen");
    if (m->cmdline[0])
        fdt_prop_string(&f, "bootargs", m->cmdline);
    fdt_prop_string(&f, "stdout-path", "/pl011@9000000");
    if (m->initrd_end) {
        fdt_prop_u64(&f, "linux,initrd-start", m->initrd_start);
        fdt_prop_u64(&f, "linux,initrd-end", m->initrd_end);
    }
    fdt_end_node(&f);

    fdt_begin_node(&f, "psci");
    FDT_COMPAT(&f, "arm,psci-1.0", "arm,psci-0.2", "arm,psci");
    fdt_prop_string(&f, "method", "hvc");
    fdt_end_node(&f);

    fdt_begin_node_at(&f, "memory", ARM_VIRT_RAM_BASE);
    fdt_prop_string(&f, "device_type", "memory");
    fdt_prop_reg64(&f, ARM_VIRT_RAM_BASE, m->pm.ram_size);
    fdt_end_node(&f);

    cpus(&f, m->ncpus);
    timer(&f);
    gic(&f, m->ncpus);
    primecells(&f);
    for (int n = 0; n < machine_virtio_slots(m); n++) {
        uint64_t base = ARM_VIRT_VIRTIO_BASE + ARM_VIRT_VIRTIO_SIZE * (uint64_t)n;
        fdt_begin_node_at(&f, "virtio_mmio", base);
        FDT_COMPAT(&f, "virtio,mmio");
        fdt_prop_reg64(&f, base, ARM_VIRT_VIRTIO_SIZE);
        interrupt(&f, GIC_SPI, ARM_VIRT_VIRTIO_SPI + (uint32_t)n, IRQ_LEVEL_HIGH);
        fdt_prop_empty(&f, "dma-coherent");
        fdt_end_node(&f);
    }
    fdt_end_node(&f);
    return fdt_finish(&f);
}
