/* Device tree of the wvm virt machine, laid out like QEMU's riscv64 `virt`
 * board (QEMU 7.2): same node names, compatibles, reg, interrupt numbers
 * and interrupt wiring, minus the devices wvm does not have (pci, flash,
 * fw-cfg, platform-bus, pmu). */
#ifndef WVM_VIRT_FDT_H
#define WVM_VIRT_FDT_H

#include <stddef.h>
#include <stdint.h>

#define VIRT_FDT_MAX_HARTS 8
/* virtio-mmio transports at 0x10001000 + n * 0x1000: QEMU's 8 (PLIC IRQ
 * n + 1), then 3 more for extra file shares (IRQ n + 4: 12..14, after the
 * UART's 10 and the RTC's 11). */
#define VIRT_FDT_VIRTIO_SLOTS 11
static inline uint32_t virt_virtio_irq(int n) { return (uint32_t)(n < 8 ? n + 1 : n + 4); }
#define VIRT_FDT_PLIC_NDEV 95     /* riscv,ndev: PLIC sources 1..95 (QEMU 7.2 writes 96) */
#define VIRT_FDT_UART_CLOCK_HZ 0x384000u /* 3.6864 MHz, as QEMU */
/* A buffer of VIRT_FDT_SIZE_BASE + strlen(bootargs) + strlen(stdout_path) +
 * nharts * (strlen(isa) + strlen(mmu_type)) bytes always suffices. */
#define VIRT_FDT_SIZE_BASE 8192u

typedef struct virt_fdt_config {
    int nharts;                   /* 1..VIRT_FDT_MAX_HARTS; hart IDs 0..nharts-1 */
    uint64_t ram_base, ram_size;  /* guest-physical base and size of RAM, bytes; size > 0 */
    const char *isa;              /* riscv,isa of every hart, e.g. "rv64imafdc_zicsr_zifencei" */
    const char *mmu_type;         /* "riscv,sv39" / "riscv,sv48" / "riscv,sv57" */
    uint32_t timebase_hz;         /* /cpus timebase-frequency (CLINT mtime rate), Hz */
    const char *bootargs;         /* kernel command line; NULL = no bootargs property */
    uint64_t initrd_start, initrd_end; /* guest-physical [start, end); both 0 = no initrd */
    /* virtio-mmio slots to describe, 0..VIRT_FDT_VIRTIO_SLOTS, counting up
     * from slot 0 (0x10001000, IRQ 1). QEMU describes all 8 whether or not a
     * device is attached (an empty slot reads DeviceID 0), so pass 8 to match. */
    int virtio_slots_used;
    const char *stdout_path;      /* /chosen stdout-path; NULL = "/soc/serial@10000000" */
} virt_fdt_config;

/* Build the DTB for machine c into buf (cap bytes). Nodes: / (compatible
 * "riscv-virtio"), /chosen, /poweroff, /reboot, /memory@<ram_base>, /cpus
 * with cpu@N + interrupt-controller and cpu-map/cluster0/coreN, and /soc
 * with test@100000, rtc@101000, clint@2000000, plic@c000000,
 * serial@10000000 and virtio_mmio@10001000.. (ascending, so Linux probes
 * slot 0 first). Phandles are fixed: hart N's cpu node 2N+1, its
 * interrupt-controller 2N+2, then the PLIC 2*nharts+1 and the test device
 * 2*nharts+2. Returns the DTB size in bytes, or 0 if it does not fit in cap
 * or c is invalid (nharts or virtio_slots_used out of range, ram_size 0,
 * isa or mmu_type NULL, initrd_end < initrd_start); never writes outside
 * buf[0, cap). */
size_t virt_fdt_build(const virt_fdt_config *c, uint8_t *buf, size_t cap);

#endif
