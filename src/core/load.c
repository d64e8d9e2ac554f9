/* What a machine boots: the kernel (an ELF, or the board's boot image
 * format), the initrd, the command line, firmware; then wvm_boot. */
#include <string.h>

#include "boot/elf.h"
#include "boot/image_arch.h"
#include "core/machine.h"

#define FIRMWARE_MAX (2u << 20) /* at the start of RAM, below the kernel */

int machine_load_at(wvm_machine *m, uint64_t pa, const uint8_t *data, size_t len)
{
    uint8_t *dst = phys_ram_ptr(&m->pm, pa, len);
    if (!dst)
        return -1;
    memcpy(dst, data, len);
    return 0;
}

int wvm_load_bios(wvm_machine *m, const uint8_t *data, size_t len)
{
    if (m->bios != WVM_BIOS_FILE)
        return wvm_fail("firmware: this machine was created without a firmware file");
    if (len == 0 || len > FIRMWARE_MAX)
        return wvm_fail("firmware: %zu bytes (it must be 1 byte to 2 MiB)", len);
    if (elf_is_elf(data, len))
        return wvm_fail("firmware: give the raw .bin image (e.g. fw_dynamic.bin), not the ELF");
    machine_load_at(m, m->board->ram_base, data, len);
    m->bios_loaded = 1;
    return 0;
}

int wvm_image_arch(const uint8_t *data, size_t len) { return image_arch(data, len, NULL); }

int wvm_load_kernel(wvm_machine *m, const uint8_t *data, size_t len)
{
    static const char *const names[] = {"", "a RISC-V 64", "an ARM64 (AArch64)", "an x86-64", "a 32-bit or other machine's"};
    char err[200];
    const char *what;
    int arch = image_arch(data, len, &what);
    if (len == 0)
        return wvm_fail("kernel: the file is empty");
    if (!strcmp(what, "gzip data"))
        return wvm_fail("kernel: the image is gzip-compressed (a vmlinuz?): unpack it with gunzip first");
    static const char *const arch_names[] = {"", "riscv64", "aarch64", "x86_64", ""};
    if (arch != WVM_ARCH_UNKNOWN && arch != m->board->arch && board_for_arch(arch))
        return wvm_fail("kernel: %s %s; this machine is %s (-arch %s runs it)", names[arch], what,
                        arch_names[m->board->arch], arch_names[arch]);
    if (arch != WVM_ARCH_UNKNOWN && arch != m->board->arch)
        return wvm_fail("kernel: %s %s; wvm does not emulate that architecture yet", names[arch], what);
    if (elf_is_elf(data, len)) {
        elf_info info;
        static const unsigned elf_machine[] = {[WVM_ARCH_RISCV64] = 243, [WVM_ARCH_AARCH64] = 183, [WVM_ARCH_X86_64] = 62};
        if (elf_load(&m->pm, elf_machine[m->board->arch], data, len, &info, err, sizeof(err)) != 0)
            return wvm_fail("kernel: %s", err);
        m->kernel_entry = info.entry;
        m->kernel_end = info.highest;
        m->tohost = info.tohost;
        m->fromhost = info.fromhost;
    } else if (m->board->load_image(m, data, len) != 0) {
        return -1;
    }
    m->kernel_loaded = 1;
    return 0;
}

int wvm_load_initrd(wvm_machine *m, const uint8_t *data, size_t len)
{
    /* As QEMU (riscv and arm alike): far enough above the kernel that it is
     * not clobbered when the kernel unpacks itself, below the device tree
     * at the top of RAM. */
    uint64_t ram = m->pm.ram_size, half = ram / 2 < (128ull << 20) ? ram / 2 : (128ull << 20);
    uint64_t base = m->board->ram_base;
    uint64_t start = (base + half) & PAGE_MASK;
    uint64_t limit = base + ram - (2ull << 20); /* device tree area */
    if (start < m->kernel_end)
        start = (m->kernel_end + PAGE_SIZE - 1) & PAGE_MASK;
    if (len == 0)
        return wvm_fail("initrd: the file is empty");
    if (len > limit || start > limit - len)
        return wvm_fail("initrd: %zu bytes do not fit in RAM (%llu MiB; try a larger -m)", len,
                        (unsigned long long)(ram >> 20));
    machine_load_at(m, start, data, len);
    m->initrd_start = start;
    m->initrd_end = start + len;
    return 0;
}

int wvm_set_cmdline(wvm_machine *m, const char *cmdline)
{
    if (strlen(cmdline) >= sizeof(m->cmdline))
        return wvm_fail("kernel command line longer than %zu bytes", sizeof(m->cmdline) - 1);
    strcpy(m->cmdline, cmdline);
    m->hvc_console = strstr(cmdline, "console=hvc0") != NULL;
    return 0;
}

int wvm_boot(wvm_machine *m)
{
    if (!m->kernel_loaded)
        return wvm_fail("nothing to run: no kernel was loaded");
    if (m->bios == WVM_BIOS_FILE && !m->bios_loaded)
        return wvm_fail("no firmware was loaded");
    if (machine_wire(m) != 0 || m->board->boot(m) != 0)
        return -1;
    machine_set_guest_ns(m, 0);
    return 0;
}
