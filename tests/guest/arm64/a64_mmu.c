/*
 * a64_mmu.c - stage 1 translation of the EL1&0 regime, 4 KiB granule,
 * 48-bit VAs (TCR_EL1.T0SZ = T1SZ = 16), tables from mmu.c.
 *
 * Layout: the identity map of mmu.h (RAM, SCTLR_EL1.M|C|I on), plus test
 * pages TV(k) = 0x1_0000_0000 + k * 4 KiB mapped onto page[k] (or others)
 * with the attributes under test, a 2 MiB block and a 1 GiB block alias
 * of the RAM, and a TTBR1 page at 0xffff_0000_0000_0000 + 0x5000.
 * Checks:
 *  - translated loads/stores (TV(k) vs the page's identity address),
 *    level 1 and level 2 blocks, TTBR1 high-half mapping
 *  - translation faults, level in the DFSC (levels 0..3), incl. a VA in
 *    neither the TTBR0 nor the TTBR1 range; WnR; FAR = VA
 *  - permission faults (DFSC 0x0f): store to read-only (EL1 and EL0),
 *    EL0 load from EL1-only pages, from EL0: EC 0x24
 *  - access flag fault (AF = 0, no hardware AF update: DFSC 0x0b)
 *  - instruction aborts: PXN page from EL1 (EC 0x21), UXN page from EL0
 *    (EC 0x20), a page writable at EL0 is never executable at EL1, an
 *    unmapped page (IFSC translation level 3); FAR = ELR = the VA
 *  - a PTE change made visible by TLBI VAE1, VALE1, VMALLE1 and ASIDE1
 *    (each + DSB ISH + ISB)
 *  - ASIDs: two TTBR0 roots mapping TV(12) differently with nG pages under
 *    ASID 1 and 2, switched without TLBI
 *  - AT S1E1R/S1E1W/S1E0R + PAR_EL1: PA and attributes on success, F and
 *    FST (translation / permission fault) on failure, without exception
 */
#include "mmu.h"

#define TV(k)     (0x100000000UL + (ulong)(k) * PAGE_4K)
#define BLK2M_VA  0x140000000UL      /* 2 MiB block -> RAM + 2 MiB */
#define BLK1G_VA  0x8000000000UL     /* 1 GiB block (L0 index 1) -> RAM */
#define HIGH_VA   0xffff000000005000UL
#define SENT      0x5e5e5e5e5e5e5e5eUL
#define DABT_MASK (0xfc000000UL | ESR_IL | ISS_WNR | ISS_FSC)
#define ESR_ABT(ec, iss) (((ulong)(ec) << 26) | ESR_IL | (iss))

static uint8_t page[16][4096] __attribute__((aligned(4096)));
static uint64_t *root, *root_b;

/* ------------------------------------------------------------ traps */
static volatile ulong n_exc, e_esr, e_far, e_elr, e_spsr, e_sp0;
static int handler(struct trapframe *tf)
{
  ulong ec = ESR_EC(tf->esr);
  n_exc++;
  e_esr = tf->esr;
  e_far = tf->far;
  e_elr = tf->elr;
  e_spsr = tf->spsr;
  e_sp0 = tf->sp_el0;
  if (ec == EC_DABT_CUR || ec == EC_DABT_LOW) {
    tf->elr += 4;                       /* probes: one ldr/str */
  } else if (ec == EC_IABT_CUR || ec == EC_IABT_LOW) {
    tf->elr = tf->x[30];                /* probe_exec: back to the caller */
    tf->x[0] = SENT;
  } else {
    return 1;
  }
  return 0;
}
int el1_sync_handler(struct trapframe *tf) { return handler(tf); }
int el0_sync_handler(struct trapframe *tf) { return handler(tf); }

static void reset(void)
{
  n_exc = 0;
  e_esr = e_far = e_elr = -1UL;
}
#define DABT(ec, fsc, va) (n_exc == 1 && (e_esr & DABT_MASK) == ESR_ABT(ec, fsc) && e_far == (ulong)(va))
#define IABT(ec, fsc, va) (n_exc == 1 && (e_esr & (0xfc000000UL | ESR_IL | ISS_FSC)) == \
                           ESR_ABT(ec, fsc) && e_far == (ulong)(va) && e_elr == (ulong)(va))

/* ----------------------------------------- probes (EL1, or EL0 via run_el0) */
static long probe_ld(long va)
{
  long v = SENT;
  __asm__ volatile ("ldr %0, [%1]" : "+r"(v) : "r"(va) : "memory");
  return v;
}
static long probe_st(long va)
{
  __asm__ volatile ("str %0, [%0]" :: "r"(va) : "memory");
  return 0;
}
/* SP and NZCV change, then a store faults, all in one block: the
 * exception must see both (SP_EL0 and SPSR_EL1.NZCV). Returns the SP. */
static long probe_sp_st(long va)
{
  ulong sp;
  __asm__ volatile ("mov x8, sp\n\tsub sp, sp, #48\n\tmov %0, sp\n\tcmp x8, x8\n\tstr x8, [%1]\n\tmov sp, x8"
                    : "=&r"(sp) : "r"(va) : "x8", "cc", "memory");
  return (long)sp;
}
static long probe_exec(long va)
{
  register long x0 __asm__("x0");
  __asm__ volatile ("blr %1" : "=r"(x0) : "r"(va) : "x30", "memory");
  return x0;
}

/* ----------------------------------------------------------- helpers */
static void map_page(uint64_t *r, int k, void *pa, uint64_t attr)
{
  mmu_map(r, TV(k), (ulong)pa, PAGE_4K, 3, attr);
}
static volatile uint64_t *pte(uint64_t *r, int k)
{
  return mmu_entry(r, TV(k), 3);
}
static void put64(int p, ulong v) { *(volatile ulong *)page[p] = v; }

/* page p = "mov x0, #42; ret", made visible to instruction fetches */
static void put_code(int p)
{
  volatile uint32_t *c = (volatile uint32_t *)page[p];
  c[0] = 0xd2800540;                    /* mov x0, #42 */
  c[1] = 0xd65f03c0;                    /* ret */
  __asm__ volatile ("dc cvau, %0\n\tdsb ish\n\tic iallu\n\tdsb ish\n\tisb"
                    :: "r"(c) : "memory");
}

static void tlbi_sync(void) { __asm__ volatile ("dsb ish\n\tisb" ::: "memory"); }

static ulong at_s1e1r(ulong va)
{
  __asm__ volatile ("at s1e1r, %0\n\tisb" :: "r"(va) : "memory");
  return read_sysreg(par_el1);
}
static ulong at_s1e1w(ulong va)
{
  __asm__ volatile ("at s1e1w, %0\n\tisb" :: "r"(va) : "memory");
  return read_sysreg(par_el1);
}
static ulong at_s1e0r(ulong va)
{
  __asm__ volatile ("at s1e0r, %0\n\tisb" :: "r"(va) : "memory");
  return read_sysreg(par_el1);
}
#define PAR_F        1UL
#define PAR_FST(par) (((par) >> 1) & 0x3f)
#define PAR_PA(par)  ((par) & 0x0000fffffffff000UL)
#define PAR_ATTR(par) ((par) >> 56)

int main(void)
{
  for (int p = 0; p < 16; p++)
    put64(p, 0x1000 + p);

  /* ----------------------------------------------------- the tables */
  root = mmu_identity();
  map_page(root, 0, page[0], PTE_DATA);
  /* TV(1): nothing (level 3 table exists: translation fault level 3) */
  map_page(root, 2, page[2], PTE_NORMAL | PTE_AP_RO_ALL | PTE_PXN | PTE_UXN);
  map_page(root, 3, page[3], PTE_NORMAL | PTE_AP_RW_EL1 | PTE_PXN | PTE_UXN);
  map_page(root, 4, page[4], PTE_NORMAL | PTE_AP_RO_EL1 | PTE_PXN | PTE_UXN);
  map_page(root, 5, page[5], (PTE_DATA & ~PTE_AF));
  put_code(6);
  map_page(root, 6, page[6], PTE_NORMAL | PTE_AP_RO_ALL | PTE_PXN);
  map_page(root, 7, page[6], PTE_NORMAL | PTE_AP_RO_ALL | PTE_UXN);
  map_page(root, 8, page[6], PTE_NORMAL | PTE_AP_RW_ALL);
  map_page(root, 10, page[10], PTE_DATA);
  map_page(root, 12, page[12], PTE_DATA | PTE_NG);
  mmu_map(root, BLK2M_VA, RAM_BASE + BLOCK_2M, BLOCK_2M, 2, PTE_DATA);
  *mmu_entry(root, BLK1G_VA, 1) = RAM_BASE | PTE_DATA | PTE_BLOCK;
  uint64_t *high = mmu_new_table();
  *mmu_entry(high, HIGH_VA, 3) = (ulong)page[9] | PTE_DATA | PTE_PAGE;
  root_b = mmu_identity();
  map_page(root_b, 12, page[13], PTE_DATA | PTE_NG);

  mmu_enable(root, 1, high);
  CHECK(1, read_sysreg(sctlr_el1) & SCTLR_M);

  /* ------------------------------------------ translated accesses */
  CHECK(2, probe_ld(TV(0)) == 0x1000);
  *(volatile ulong *)TV(0) = 0xabcd;
  CHECK(3, *(volatile ulong *)page[0] == 0xabcd);
  CHECK(4, probe_ld(TV(2)) == 0x1002 && probe_ld(TV(3)) == 0x1003);
  ulong ram2m = RAM_BASE + BLOCK_2M + 0x1238;
  *(volatile ulong *)ram2m = 0x2222;
  CHECK(5, probe_ld(BLK2M_VA + 0x1238) == 0x2222);
  CHECK(6, probe_ld(BLK1G_VA + (ulong)page[7] - RAM_BASE) == 0x1007);
  CHECK(7, probe_ld(HIGH_VA) == 0x1009);
  *(volatile ulong *)(HIGH_VA + 8) = 0x9999;
  CHECK(8, *(volatile ulong *)(page[9] + 8) == 0x9999);
  reset();
  CHECK(9, run_el0(probe_ld, TV(0)) == 0xabcd && run_el0(probe_ld, TV(2)) == 0x1002);
  CHECK(10, n_exc == 0);

  /* ------------------------------------------ translation faults */
  reset();
  CHECK(11, probe_ld(TV(1)) == (long)SENT && DABT(EC_DABT_CUR, FSC_TRANS(3), TV(1)));
  reset();
  probe_st(TV(1) + 0x10);
  CHECK(12, DABT(EC_DABT_CUR, ISS_WNR | FSC_TRANS(3), TV(1) + 0x10));
  reset();
  probe_ld(0x100200000UL);             /* L2 entry empty */
  CHECK(13, DABT(EC_DABT_CUR, FSC_TRANS(2), 0x100200000UL));
  reset();
  probe_ld(0x200000000UL);             /* L1 entry empty */
  CHECK(14, DABT(EC_DABT_CUR, FSC_TRANS(1), 0x200000000UL));
  reset();
  probe_ld(0x800000000000UL);          /* L0 entry empty */
  CHECK(15, DABT(EC_DABT_CUR, FSC_TRANS(0), 0x800000000000UL));
  reset();
  probe_ld(0x0001000000000000UL);      /* neither TTBR0 nor TTBR1 range */
  CHECK(16, DABT(EC_DABT_CUR, FSC_TRANS(0), 0x0001000000000000UL));
  reset();
  probe_ld(HIGH_VA + PAGE_4K);
  CHECK(17, DABT(EC_DABT_CUR, FSC_TRANS(3), HIGH_VA + PAGE_4K));
  reset();
  run_el0(probe_ld, TV(1));
  CHECK(18, DABT(EC_DABT_LOW, FSC_TRANS(3), TV(1)));

  /* ------------------------------------------ permission faults */
  reset();
  probe_st(TV(2));
  CHECK(19, DABT(EC_DABT_CUR, ISS_WNR | FSC_PERM(3), TV(2)));
  CHECK(20, *(volatile ulong *)page[2] == 0x1002);
  reset();
  run_el0(probe_st, TV(2) + 8);
  CHECK(21, DABT(EC_DABT_LOW, ISS_WNR | FSC_PERM(3), TV(2) + 8));
  reset();
  long sp = run_el0(probe_sp_st, TV(2) + 8);
  CHECK(59, DABT(EC_DABT_LOW, ISS_WNR | FSC_PERM(3), TV(2) + 8));
  CHECK(60, e_sp0 == (ulong)sp && (e_spsr & (PSR_Z | PSR_C)) == (PSR_Z | PSR_C));
  reset();
  CHECK(22, run_el0(probe_ld, TV(3)) == (long)SENT);
  CHECK(23, DABT(EC_DABT_LOW, FSC_PERM(3), TV(3)));
  reset();
  run_el0(probe_ld, TV(4));
  CHECK(24, DABT(EC_DABT_LOW, FSC_PERM(3), TV(4)));
  reset();
  probe_st(TV(4));
  CHECK(25, DABT(EC_DABT_CUR, ISS_WNR | FSC_PERM(3), TV(4)));
  reset();
  CHECK(26, probe_ld(TV(4)) == 0x1004 && n_exc == 0);
  reset();
  run_el0(probe_ld, (long)page[1]);    /* identity data: EL0 readable */
  run_el0(probe_st, (long)__text_start); /* text: read-only for EL0 */
  CHECK(27, DABT(EC_DABT_LOW, ISS_WNR | FSC_PERM(3), __text_start));

  /* ------------------------------------------ access flag fault */
  reset();
  probe_ld(TV(5));
  CHECK(28, DABT(EC_DABT_CUR, FSC_ACCESS(3), TV(5)));
  reset();
  probe_st(TV(5));
  CHECK(29, DABT(EC_DABT_CUR, ISS_WNR | FSC_ACCESS(3), TV(5)));

  /* ------------------------------------------ instruction aborts */
  reset();
  CHECK(30, run_el0(probe_exec, TV(6)) == 42 && n_exc == 0);
  CHECK(31, probe_exec(TV(7)) == 42 && n_exc == 0);
  CHECK(32, probe_exec(TV(6)) == (long)SENT);
  CHECK(33, IABT(EC_IABT_CUR, FSC_PERM(3), TV(6)));
  reset();
  CHECK(34, run_el0(probe_exec, TV(7)) == (long)SENT);
  CHECK(35, IABT(EC_IABT_LOW, FSC_PERM(3), TV(7)));
  reset();
  CHECK(36, run_el0(probe_exec, TV(8)) == 42 && n_exc == 0);
  CHECK(37, probe_exec(TV(8)) == (long)SENT);   /* EL0-writable: PXN */
  CHECK(38, IABT(EC_IABT_CUR, FSC_PERM(3), TV(8)));
  reset();
  probe_exec(TV(1));
  CHECK(39, IABT(EC_IABT_CUR, FSC_TRANS(3), TV(1)));
  reset();
  probe_exec((long)page[6]);           /* identity data page: XN */
  CHECK(40, IABT(EC_IABT_CUR, FSC_PERM(3), page[6]));

  /* ------------------------------------------ PTE change + TLBI */
  CHECK(41, probe_ld(TV(10)) == 0x100a);          /* now in the TLB */
  *pte(root, 10) = (ulong)page[11] | PTE_DATA | PTE_PAGE;
  dsb(ishst);
  __asm__ volatile ("tlbi vae1, %0" :: "r"(TV(10) >> 12) : "memory");
  tlbi_sync();
  CHECK(42, probe_ld(TV(10)) == 0x100b);
  *pte(root, 10) = (ulong)page[10] | PTE_DATA | PTE_PAGE;
  dsb(ishst);
  __asm__ volatile ("tlbi vale1, %0" :: "r"(TV(10) >> 12) : "memory");
  tlbi_sync();
  CHECK(43, probe_ld(TV(10)) == 0x100a);
  *pte(root, 10) = (ulong)page[11] | PTE_DATA | PTE_PAGE;
  dsb(ishst);
  __asm__ volatile ("tlbi vmalle1" ::: "memory");
  tlbi_sync();
  CHECK(44, probe_ld(TV(10)) == 0x100b);
  *pte(root, 10) = 0;                              /* unmapped again */
  dsb(ishst);
  __asm__ volatile ("tlbi vae1is, %0" :: "r"(TV(10) >> 12) : "memory");
  tlbi_sync();
  reset();
  probe_ld(TV(10));
  CHECK(45, DABT(EC_DABT_CUR, FSC_TRANS(3), TV(10)));

  /* ------------------------------------------ ASIDs */
  CHECK(46, probe_ld(TV(12)) == 0x100c);           /* root, ASID 1 */
  write_sysreg(ttbr0_el1, (ulong)root_b | 2UL << 48);
  isb();
  CHECK(47, probe_ld(TV(12)) == 0x100d);           /* root_b, ASID 2 */
  write_sysreg(ttbr0_el1, (ulong)root | 1UL << 48);
  isb();
  CHECK(48, probe_ld(TV(12)) == 0x100c);
  /* change ASID 1's page while running with ASID 2, then TLBI ASIDE1 */
  write_sysreg(ttbr0_el1, (ulong)root_b | 2UL << 48);
  isb();
  *pte(root, 12) = (ulong)page[14] | PTE_DATA | PTE_NG | PTE_PAGE;
  dsb(ishst);
  __asm__ volatile ("tlbi aside1, %0" :: "r"(1UL << 48) : "memory");
  tlbi_sync();
  CHECK(49, probe_ld(TV(12)) == 0x100d);
  write_sysreg(ttbr0_el1, (ulong)root | 1UL << 48);
  isb();
  CHECK(50, probe_ld(TV(12)) == 0x100e);

  /* ------------------------------------------ AT + PAR_EL1 */
  reset();
  ulong par = at_s1e1r(TV(0) + 0x123);
  CHECK(51, !(par & PAR_F) && PAR_PA(par) == (ulong)page[0] && PAR_ATTR(par) == 0xff);
  par = at_s1e1r(HIGH_VA);
  CHECK(52, !(par & PAR_F) && PAR_PA(par) == (ulong)page[9]);
  par = at_s1e1r(BLK2M_VA + 0x5000);
  CHECK(53, !(par & PAR_F) && PAR_PA(par) == RAM_BASE + BLOCK_2M + 0x5000);
  par = at_s1e1r(TV(1));
  CHECK(54, (par & PAR_F) && PAR_FST(par) == FSC_TRANS(3));
  par = at_s1e1w(TV(2));
  CHECK(55, (par & PAR_F) && PAR_FST(par) == FSC_PERM(3));
  par = at_s1e0r(TV(3));
  CHECK(56, (par & PAR_F) && PAR_FST(par) == FSC_PERM(3));
  par = at_s1e0r(TV(2));
  CHECK(57, !(par & PAR_F) && PAR_PA(par) == (ulong)page[2]);
  CHECK(58, n_exc == 0);
  return 0;
}
