/*
 * image_arch_test.c - the guest architecture of kernel images from their
 * headers (src/boot/image_arch.c): ELF64 of each machine, ELF32 and unknown
 * machines, each architecture's Linux boot image magic, gzip data, raw
 * binaries and buffers too short to hold a header. Exit status 0 on
 * success; the last output line is "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include "boot/image_arch.h"

#include "check.h"

static uint8_t buf[4096];

/* An ELF header of class `cls` (1: 32-bit, 2: 64-bit) for e_machine `machine`. */
static int elf(int cls, unsigned machine, size_t len)
{
    memset(buf, 0, sizeof(buf));
    memcpy(buf, "\x7f" "ELF", 4);
    buf[4] = (uint8_t)cls, buf[5] = 1;
    buf[18] = (uint8_t)machine, buf[19] = (uint8_t)(machine >> 8);
    return image_arch(buf, len, NULL);
}

/* A buffer with `magic` (n bytes) at `off`; *what receives the kind. */
static int magic(size_t off, const char *m, size_t n, const char **what)
{
    memset(buf, 0, sizeof(buf));
    memcpy(buf + off, m, n);
    return image_arch(buf, sizeof(buf), what);
}

int main(void)
{
    const char *what = NULL;
    EQ(elf(2, 243, 64), WVM_ARCH_RISCV64);
    EQ(elf(2, 183, 64), WVM_ARCH_AARCH64);
    EQ(elf(2, 62, 64), WVM_ARCH_X86_64);
    EQ(elf(1, 243, 64), WVM_ARCH_OTHER); /* RV32 */
    EQ(elf(2, 8, 64), WVM_ARCH_OTHER);   /* MIPS */
    EQ(elf(2, 243, 19), WVM_ARCH_UNKNOWN); /* too short for e_machine */
    EQ(magic(0x38, "RSC\x05", 4, &what), WVM_ARCH_RISCV64);
    EQ(strcmp(what, "Linux Image"), 0);
    EQ(magic(0x30, "RISCV\0\0\0", 8, &what), WVM_ARCH_RISCV64);
    EQ(magic(0x38, "ARM\x64", 4, &what), WVM_ARCH_AARCH64);
    EQ(magic(0x202, "HdrS", 4, &what), WVM_ARCH_X86_64);
    EQ(strcmp(what, "bzImage"), 0);
    EQ(magic(0, "\x1f\x8b\x08", 3, &what), WVM_ARCH_UNKNOWN);
    EQ(strcmp(what, "gzip data"), 0);
    EQ(magic(0x100, "code", 4, &what), WVM_ARCH_UNKNOWN);
    EQ(strcmp(what, "raw binary"), 0);
    EQ(image_arch(buf, 0x3b, NULL), WVM_ARCH_UNKNOWN); /* too short for any magic */
    memcpy(buf + 0x38, "ARM\x64", 4);
    EQ(image_arch(buf, 0x3b, NULL), WVM_ARCH_UNKNOWN); /* the magic cut off */
    EQ(image_arch(buf, 0x3c, NULL), WVM_ARCH_AARCH64);
    EQ(wvm_image_arch(buf, 0x3c), WVM_ARCH_AARCH64);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
