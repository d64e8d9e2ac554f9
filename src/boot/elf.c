/* ELF64 loader. Every offset and size read from the file is bounds-checked
 * against the file length before use. */
#include "boot/elf.h"

#include <stdio.h>
#include <string.h>

#define PT_LOAD 1
#define SHT_SYMTAB 2

static uint64_t rd(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Nonzero if [off, off+size) lies within a file of `len` bytes. */
static int in_file(uint64_t off, uint64_t size, size_t len)
{
    return off <= len && size <= len - off;
}

int elf_is_elf(const uint8_t *data, size_t len)
{
    return len >= 4 && memcmp(data, "\177ELF", 4) == 0;
}

static void find_symbols(const uint8_t *d, size_t len, elf_info *info)
{
    uint64_t shoff = rd(d + 0x28, 8), shentsize = rd(d + 0x3a, 2), shnum = rd(d + 0x3c, 2);
    if (shentsize < 64 || !in_file(shoff, shnum * shentsize, len))
        return;
    for (uint64_t i = 0; i < shnum; i++) {
        const uint8_t *sh = d + shoff + i * shentsize;
        if (rd(sh + 4, 4) != SHT_SYMTAB)
            continue;
        uint64_t off = rd(sh + 0x18, 8), size = rd(sh + 0x20, 8), link = rd(sh + 0x28, 4);
        uint64_t entsize = rd(sh + 0x38, 8);
        if (link >= shnum || entsize < 24 || !in_file(off, size, len))
            continue;
        const uint8_t *strh = d + shoff + link * shentsize;
        uint64_t stroff = rd(strh + 0x18, 8), strsize = rd(strh + 0x20, 8);
        if (!in_file(stroff, strsize, len))
            continue;
        for (uint64_t s = 0; s + entsize <= size; s += entsize) {
            const uint8_t *sym = d + off + s;
            uint64_t name = rd(sym, 4);
            if (name >= strsize)
                continue;
            const char *nm = (const char *)d + stroff + name;
            size_t maxn = (size_t)(strsize - name);
            if (!memchr(nm, 0, maxn))
                continue; /* unterminated name */
            if (strcmp(nm, "tohost") == 0)
                info->tohost = rd(sym + 8, 8);
            else if (strcmp(nm, "fromhost") == 0)
                info->fromhost = rd(sym + 8, 8);
        }
    }
}

int elf_load(phys_map *pm, unsigned machine, const uint8_t *d, size_t len, elf_info *info, char *err, size_t errlen)
{
    memset(info, 0, sizeof(*info));
    if (len < 64 || !elf_is_elf(d, len)) {
        snprintf(err, errlen, "not an ELF file (or truncated header)");
        return -1;
    }
    if (d[4] != 2 || d[5] != 1) {
        snprintf(err, errlen, "not a 64-bit little-endian ELF file");
        return -1;
    }
    if (rd(d + 0x12, 2) != machine) {
        snprintf(err, errlen, "ELF machine is %u, not %u", (unsigned)rd(d + 0x12, 2), machine);
        return -1;
    }
    uint64_t phoff = rd(d + 0x20, 8), phentsize = rd(d + 0x36, 2), phnum = rd(d + 0x38, 2);
    if (phentsize < 56 || !in_file(phoff, phnum * phentsize, len)) {
        snprintf(err, errlen, "ELF program headers lie outside the file (truncated?)");
        return -1;
    }
    info->entry = rd(d + 0x18, 8);
    info->lowest = UINT64_MAX;
    int loaded = 0;
    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *ph = d + phoff + i * phentsize;
        if (rd(ph, 4) != PT_LOAD)
            continue;
        uint64_t off = rd(ph + 8, 8), paddr = rd(ph + 0x18, 8);
        uint64_t filesz = rd(ph + 0x20, 8), memsz = rd(ph + 0x28, 8);
        if (filesz > memsz || !in_file(off, filesz, len)) {
            snprintf(err, errlen, "ELF segment %u lies outside the file (truncated?)", (unsigned)i);
            return -1;
        }
        if (memsz == 0)
            continue;
        uint8_t *dst = phys_ram_ptr(pm, paddr, memsz);
        if (!dst) {
            snprintf(err, errlen,
                     "ELF segment at 0x%llx (%llu bytes) does not fit in RAM 0x%llx-0x%llx",
                     (unsigned long long)paddr, (unsigned long long)memsz,
                     (unsigned long long)pm->ram_base, (unsigned long long)(pm->ram_base + pm->ram_size));
            return -1;
        }
        memcpy(dst, d + off, (size_t)filesz);
        memset(dst + filesz, 0, (size_t)(memsz - filesz));
        if (paddr < info->lowest)
            info->lowest = paddr;
        if (paddr + memsz > info->highest)
            info->highest = paddr + memsz;
        loaded++;
    }
    if (!loaded) {
        snprintf(err, errlen, "ELF file has no loadable segment");
        return -1;
    }
    find_symbols(d, len, info);
    return 0;
}
