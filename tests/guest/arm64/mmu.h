/*
 * mmu.h - stage 1 translation tables for the EL1&0 regime (4 KiB
 * granule, 48-bit VAs for TTBR0 and TTBR1, 4 levels 0..3), shared by
 * a64_atomic and a64_mmu.
 *
 * MAIR_EL1 attribute indexes: 0 Normal write-back (0xff), 1 Device-nGnRnE
 * (0x00), 2 Normal non-cacheable (0x44).
 *
 * mmu_identity() maps the RAM (RAM_BASE, RAM_SIZE) at VA = PA:
 *   [__text_start, __text_end)  4 KiB pages, Normal, read-only at EL1
 *                               and EL0, executable at both (AP 0b11)
 *   the rest of the first 2 MiB 4 KiB pages, Normal, read/write at EL1
 *                               and EL0, execute-never (AP 0b01, PXN, UXN)
 *   the other 2 MiB blocks      the same as a 2 MiB block each
 * Nothing else is mapped: any other VA gives a translation fault.
 */
#ifndef WVM_A64_MMU_H
#define WVM_A64_MMU_H

#include "test.h"

#define MAIR_NORMAL     0
#define MAIR_DEVICE     1
#define MAIR_NC         2
#define MAIR_VALUE      0x4400ffUL

/* descriptor bits */
#define PTE_VALID       (1UL << 0)
#define PTE_TABLE       (3UL << 0)   /* levels 0-2: next-level table */
#define PTE_BLOCK       (1UL << 0)   /* levels 1-2: block */
#define PTE_PAGE        (3UL << 0)   /* level 3: page */
#define PTE_ATTR(i)     ((ulong)(i) << 2)
#define PTE_AP_RW_EL1   (0UL << 6)
#define PTE_AP_RW_ALL   (1UL << 6)
#define PTE_AP_RO_EL1   (2UL << 6)
#define PTE_AP_RO_ALL   (3UL << 6)
#define PTE_SH_INNER    (3UL << 8)
#define PTE_AF          (1UL << 10)
#define PTE_NG          (1UL << 11)
#define PTE_PXN         (1UL << 53)
#define PTE_UXN         (1UL << 54)
#define PTE_ADDR_MASK   0x0000fffffffff000UL

/* leaf attributes of the identity map */
#define PTE_NORMAL      (PTE_ATTR(MAIR_NORMAL) | PTE_SH_INNER | PTE_AF)
#define PTE_TEXT        (PTE_NORMAL | PTE_AP_RO_ALL)
#define PTE_DATA        (PTE_NORMAL | PTE_AP_RW_ALL | PTE_PXN | PTE_UXN)

#define BLOCK_2M        0x200000UL
#define PAGE_4K         0x1000UL

/* a zeroed 4 KiB table from a static pool (fails the test with 229 if
   the pool is exhausted) */
uint64_t *mmu_new_table(void);
/* the descriptor for va at `level` (0..3) under root, creating the
   intermediate tables */
volatile uint64_t *mmu_entry(uint64_t *root, ulong va, int level);
/* map [va, va + size) to pa with leaves at level 2 (2 MiB blocks) or 3
   (4 KiB pages); attr = the leaf's attribute bits (PTE_NORMAL, AP, XN) */
void mmu_map(uint64_t *root, ulong va, ulong pa, ulong size, int level, uint64_t attr);
/* a new root with the identity map described above */
uint64_t *mmu_identity(void);
/*
 * MAIR_EL1 = MAIR_VALUE, TCR_EL1 = T0SZ = T1SZ = 16, 4 KiB granules,
 * write-back inner-shareable walks, IPS 48 bits, 8-bit ASIDs from TTBR0
 * (TTBR1 walks disabled when ttbr1 == 0); TTBR0_EL1 = ttbr0 with ASID
 * `asid`; TLBI VMALLE1; then SCTLR_EL1.M, C and I on.
 */
void mmu_enable(uint64_t *ttbr0, ulong asid, uint64_t *ttbr1);
/* mmu_enable(mmu_identity(), 0, 0) */
void mmu_on(void);

#endif /* WVM_A64_MMU_H */
