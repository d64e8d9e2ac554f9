/* ELF64 loader for RISC-V executables (System V gABI; RISC-V ELF psABI). */
#ifndef WVM_ELF_H
#define WVM_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "mem/phys.h"

typedef struct elf_info {
    uint64_t entry;           /* guest-physical entry point */
    uint64_t lowest, highest; /* guest-physical range loaded [lowest, highest) */
    uint64_t tohost, fromhost; /* HTIF symbols' addresses, 0 if absent */
} elf_info;

/* Nonzero if `data` (len bytes) starts with the ELF magic. */
int elf_is_elf(const uint8_t *data, size_t len);

/* Load the PT_LOAD segments of the ELF64 little-endian executable `data`
 * (len bytes) for ELF machine `machine` (EM_RISCV 243, EM_AARCH64 183) into guest RAM at their physical addresses (p_paddr),
 * zero-filling p_memsz beyond p_filesz, and look up the `tohost`/`fromhost`
 * symbols. Returns 0, or -1 with a one-line reason in err (errlen bytes) for
 * a truncated or malformed file, another machine or class, or a segment
 * outside RAM; RAM may then be partly written. */
int elf_load(phys_map *pm, unsigned machine, const uint8_t *data, size_t len, elf_info *info, char *err,
             size_t errlen);

#endif
