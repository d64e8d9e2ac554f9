/*
 * mmu.c - stage 1 translation tables of the EL1&0 regime (see mmu.h).
 */
#include "mmu.h"

#define NTABLES 24
static uint64_t pool[NTABLES][512] __attribute__((aligned(4096)));
static int pool_used;

#define TCR_T0SZ(n)     ((ulong)(n) << 0)
#define TCR_IRGN0_WBWA  (1UL << 8)
#define TCR_ORGN0_WBWA  (1UL << 10)
#define TCR_SH0_INNER   (3UL << 12)
#define TCR_TG0_4K      (0UL << 14)
#define TCR_T1SZ(n)     ((ulong)(n) << 16)
#define TCR_EPD1        (1UL << 23)
#define TCR_IRGN1_WBWA  (1UL << 24)
#define TCR_ORGN1_WBWA  (1UL << 26)
#define TCR_SH1_INNER   (3UL << 28)
#define TCR_TG1_4K      (2UL << 30)
#define TCR_IPS_48      (5UL << 32)

uint64_t *mmu_new_table(void)
{
  if (pool_used == NTABLES)
    test_fail(229);
  uint64_t *t = pool[pool_used++];
  memset(t, 0, 4096);
  return t;
}

volatile uint64_t *mmu_entry(uint64_t *root, ulong va, int level)
{
  uint64_t *t = root;
  for (int l = 0; l < level; l++) {
    ulong idx = (va >> (39 - 9 * l)) & 511;
    if (!(t[idx] & PTE_VALID))
      t[idx] = (ulong)mmu_new_table() | PTE_TABLE;
    t = (uint64_t *)(t[idx] & PTE_ADDR_MASK);
  }
  return &t[(va >> (39 - 9 * level)) & 511];
}

void mmu_map(uint64_t *root, ulong va, ulong pa, ulong size, int level, uint64_t attr)
{
  ulong step = level == 2 ? BLOCK_2M : PAGE_4K;
  for (ulong off = 0; off < size; off += step)
    *mmu_entry(root, va + off, level) = (pa + off) | attr |
                                        (level == 2 ? PTE_BLOCK : PTE_PAGE);
}

uint64_t *mmu_identity(void)
{
  uint64_t *root = mmu_new_table();
  ulong ts = (ulong)__text_start & ~(PAGE_4K - 1), te = (ulong)__text_end;
  if ((ulong)_end > RAM_BASE + BLOCK_2M)
    test_fail(228);
  mmu_map(root, RAM_BASE, RAM_BASE, ts - RAM_BASE, 3, PTE_DATA);
  mmu_map(root, ts, ts, te - ts, 3, PTE_TEXT);
  mmu_map(root, te, te, RAM_BASE + BLOCK_2M - te, 3, PTE_DATA);
  mmu_map(root, RAM_BASE + BLOCK_2M, RAM_BASE + BLOCK_2M, RAM_SIZE - BLOCK_2M, 2, PTE_DATA);
  return root;
}

void mmu_enable(uint64_t *ttbr0, ulong asid, uint64_t *ttbr1)
{
  ulong tcr = TCR_T0SZ(16) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
              TCR_TG0_4K | TCR_T1SZ(16) | TCR_IRGN1_WBWA | TCR_ORGN1_WBWA |
              TCR_SH1_INNER | TCR_TG1_4K | TCR_IPS_48;
  if (!ttbr1)
    tcr |= TCR_EPD1;
  write_sysreg(mair_el1, MAIR_VALUE);
  write_sysreg(tcr_el1, tcr);
  write_sysreg(ttbr0_el1, (ulong)ttbr0 | asid << 48);
  write_sysreg(ttbr1_el1, (ulong)ttbr1);
  isb();
  dsb(ishst);
  __asm__ volatile ("tlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");
  write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I);
  isb();
}

void mmu_on(void)
{
  mmu_enable(mmu_identity(), 0, 0);
}
