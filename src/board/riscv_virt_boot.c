/* Boot protocol of the virt machine: device tree at the top of RAM and the
 * harts' entry state for each firmware choice, as QEMU's virt board does
 * (hw/riscv/boot.c): a0 = hartid, a1 = device tree, a2 = fw_dynamic_info
 * (OpenSBI firmware/fw_dynamic.S, struct fw_dynamic_info version 2). */
#include <string.h>

#include "board/riscv_virt.h"
#include "board/riscv_virt_fdt.h"
#include "boot/sbi.h"

#define FDT_MAX (64u << 10)
#define FW_DYNAMIC_MAGIC 0x4942534full /* "OSBI" */

/* The ISA string for the device tree: what the decoder implements. */
static const char isa[] = "rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs_sstc";

int riscv_virt_boot(wvm_machine *m)
{
    static uint8_t dtb[FDT_MAX];
    uint64_t ram_end = VIRT_RAM_BASE + m->pm.ram_size;
    virt_fdt_config c = {
        .nharts = m->ncpus,
        .ram_base = VIRT_RAM_BASE,
        .ram_size = m->pm.ram_size,
        .isa = isa,
        .mmu_type = "riscv,sv57",
        .timebase_hz = CLINT_FREQ_HZ,
        .bootargs = m->cmdline[0] ? m->cmdline : NULL,
        .initrd_start = m->initrd_start,
        .initrd_end = m->initrd_end,
        .stdout_path = "/soc/serial@10000000",
        .virtio_slots_used = machine_virtio_slots(m), /* as QEMU: every slot, empty ones read DeviceID 0 */
    };
    size_t size = virt_fdt_build(&c, dtb, sizeof(dtb));
    if (!size)
        return wvm_fail("the device tree does not fit in %u bytes", FDT_MAX);
    uint64_t fdt = (ram_end - size) & ~((2ull << 20) - 1); /* 2 MiB aligned, as QEMU */
    if (fdt < m->initrd_end || fdt < m->kernel_end)
        return wvm_fail("no room for the device tree above the kernel and initrd (try a larger -m)");
    memcpy(phys_ram_ptr(&m->pm, fdt, size), dtb, size);

    if (m->bios == WVM_BIOS_BUILTIN) {
        sbi_setup(m, m->kernel_entry, fdt);
        return 0;
    }
    /* fw_dynamic_info: magic, version, next_addr, next_mode (1 = S), options, boot_hart */
    uint64_t info[6] = {FW_DYNAMIC_MAGIC, 2, m->kernel_entry, 1, 0, 0};
    memcpy(riscv_virt_of(m)->mrom, info, sizeof(info));
    uint64_t entry = m->bios == WVM_BIOS_FILE ? VIRT_RAM_BASE : m->kernel_entry;
    for (int i = 0; i < m->ncpus; i++) {
        rv_hart *h = riscv_virt_of(m)->harts[i];
        h->cpu.pc = entry;
        h->cpu.r[10] = (uint64_t)i;
        h->cpu.r[11] = fdt;
        h->cpu.r[12] = VIRT_MROM_BASE;
    }
    return 0;
}
