/* Image architecture from headers (see image_arch.h). */
#include "boot/image_arch.h"

#include <string.h>

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }

/* ELF e_machine values (gABI) -> architecture. */
static const struct {
    uint16_t machine;
    int arch;
} elf_machines[] = {{243, WVM_ARCH_RISCV64}, {183, WVM_ARCH_AARCH64}, {62, WVM_ARCH_X86_64}};

/* Linux boot image magics: bytes at an offset. */
static const struct {
    size_t off;
    const char *magic;
    size_t len;
    int arch;
    const char *what;
} magics[] = {
    {0x38, "RSC\x05", 4, WVM_ARCH_RISCV64, "Linux Image"},    /* riscv header magic2 */
    {0x30, "RISCV\0\0\0", 8, WVM_ARCH_RISCV64, "Linux Image"}, /* riscv header magic (deprecated) */
    {0x38, "ARM\x64", 4, WVM_ARCH_AARCH64, "Linux Image"},    /* arm64 header magic */
    {0x202, "HdrS", 4, WVM_ARCH_X86_64, "bzImage"},           /* x86 setup header */
};

int image_arch(const uint8_t *d, size_t len, const char **what)
{
    const char *kind = "raw binary";
    int arch = WVM_ARCH_UNKNOWN;
    if (len >= 20 && !memcmp(d, "\x7f" "ELF", 4)) {
        kind = "ELF";
        arch = WVM_ARCH_OTHER;
        for (size_t i = 0; i < sizeof(elf_machines) / sizeof(elf_machines[0]); i++)
            if (rd16(d + 18) == elf_machines[i].machine && d[4] == 2 /* ELFCLASS64 */)
                arch = elf_machines[i].arch;
    } else if (len >= 2 && d[0] == 0x1f && d[1] == 0x8b) {
        kind = "gzip data";
    } else {
        for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
            if (len >= magics[i].off + magics[i].len && !memcmp(d + magics[i].off, magics[i].magic, magics[i].len)) {
                kind = magics[i].what;
                arch = magics[i].arch;
                break;
            }
    }
    if (what)
        *what = kind;
    return arch;
}
