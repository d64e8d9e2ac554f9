/*
 * vm.c - virtual memory: Sv39, Sv48, Sv57 (if supported), page tables
 * built in RAM by M mode.
 *
 * Sv39 layout used by most checks (PTE flags as in the priv spec):
 *   0x80000000  1 GiB identity, S RWX   (test code, data, stacks)
 *   0x40000000  1 GiB alias of RAM, U RWX (U-mode code runs here)
 *   0xc0000000  1 GiB alias of RAM, S R  (gigapage check)
 *   0x00100000+ 4 KiB pages (k * 0x1000) onto pages[k] with various flags
 *   0x00200000  2 MiB page -> 0x80200000
 *   0x00400000  2 MiB page with PPN[0] != 0: misaligned -> page fault
 *   0x100000000 1 GiB page with PPN[1] != 0: misaligned -> page fault
 * Checks: translated S and U execution; load/store/fetch page faults
 * (13/15/12, mtval = faulting VA) for V=0, W-without-R, U page from S
 * without SUM (and S fetch from a U page even with SUM), S page from U,
 * fetch from non-X, store to read-only, MXR, non-canonical VAs;
 * delegation of page faults to S (scause/stval); hardware A/D update
 * (load sets A, store sets A and D); sfence.vma (global and by address)
 * after a PTE change, also of a page holding executed code; MPRV with MPP=S translating M-mode loads/stores;
 * satp WARL: unsupported modes leave satp unchanged; Sv48 and Sv57
 * 4 KiB translations and canonical checks.
 *
 * A/D bits: the privileged spec allows either hardware updating or the
 * Svade scheme (page fault when A is clear / D must be set).  wvm, like
 * QEMU 7.2, updates them in hardware, and this test requires that.
 */
#include "test.h"

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define RWX (PTE_R | PTE_W | PTE_X)
#define AD (PTE_A | PTE_D)

#define SATP_SV39 (8UL << 60)
#define SATP_SV48 (9UL << 60)
#define SATP_SV57 (10UL << 60)

#define NPT 32
static uint64_t pt_pool[NPT][512] __attribute__((aligned(4096)));
static int pt_used;
static uint8_t pages[16][4096] __attribute__((aligned(4096)));

#define TPAGE(k) (0x100000UL + (k) * 0x1000UL)
#define U_ALIAS(x) ((ulong)(x) - 0x80000000UL + 0x40000000UL)

static uint64_t *pt_alloc(void)
{
  if (pt_used >= NPT) test_fail(199);
  uint64_t *p = pt_pool[pt_used++];
  memset(p, 0, 4096);
  return p;
}

/* install a leaf PTE for va at `level` (0 = 4 KiB) in a `levels`-level
   table; returns the PTE's address */
static volatile uint64_t *map(uint64_t *root, int levels, ulong va, ulong pa,
                              int level, ulong flags)
{
  uint64_t *t = root;
  for (int l = levels - 1; l > level; l--) {
    ulong idx = (va >> (12 + 9 * l)) & 511;
    if (!(t[idx] & PTE_V)) {
      uint64_t *n = pt_alloc();
      t[idx] = (((ulong)n >> 12) << 10) | PTE_V;
    }
    t = (uint64_t *)((t[idx] >> 10) << 12);
  }
  ulong idx = (va >> (12 + 9 * level)) & 511;
  t[idx] = ((pa >> 12) << 10) | flags;
  return &t[idx];
}

static void sfence(void) { __asm__ volatile ("sfence.vma" ::: "memory"); }

/* ----------------------------------------------------------- traps */
static volatile ulong t_count, t_cause, t_tval, t_epc;
static void m_handler(struct trapframe *tf)
{
  t_count++;
  t_cause = tf->cause;
  t_tval = tf->tval;
  t_epc = tf->epc;
  if (tf->cause == CAUSE_FETCH_PAGE_FAULT)
    tf->epc = tf->x[1];                  /* probe_exec: back to the caller */
  else if (tf->cause == CAUSE_LOAD_PAGE_FAULT || tf->cause == CAUSE_STORE_PAGE_FAULT)
    tf->epc += 4;                        /* probes use 32-bit ld/sd */
  else
    test_fail(198);
}
static volatile ulong s_count, s_cause, s_tval, s_epc;
static void s_handler(struct trapframe *tf)
{
  s_count++;
  s_cause = tf->cause;
  s_tval = tf->tval;
  s_epc = tf->epc;
  if (tf->cause == CAUSE_FETCH_PAGE_FAULT)
    tf->epc = tf->x[1];
  else
    tf->epc += 4;
}
static void reset(void)
{
  t_count = s_count = 0;
  t_cause = t_tval = t_epc = s_cause = s_tval = s_epc = -1UL;
}
#define FAULTED(cause, va) (t_count == 1 && t_cause == (cause) && t_tval == (ulong)(va))
#define NOFAULT() (t_count == 0)

/* ------------------------------------------- probes (run in S or U) */
#define SENT 0x5e5e5e5eUL
static long probe_ld(long va)
{
  long v = SENT;
  __asm__ volatile (".option push\n.option norvc\n\tld %0, 0(%1)\n.option pop"
                    : "+r"(v) : "r"(va) : "memory");
  return v;
}
static long probe_sd(long va)
{
  __asm__ volatile (".option push\n.option norvc\n\tsd %1, 0(%0)\n.option pop"
                    :: "r"(va), "r"(0x600dUL) : "memory");
  return 0;
}
static long probe_exec(long va)
{
  register long a0 __asm__("a0") = SENT;
  register long t0 __asm__("t0") = va;
  __asm__ volatile ("jalr ra, 0(t0)" : "+r"(a0), "+r"(t0) :: "ra", "memory");
  return a0;
}
/* code placed in pages: li a0, 0x77 ; ret */
static void put_code(int k)
{
  volatile uint32_t *p = (volatile uint32_t *)pages[k];
  p[0] = 0x07700513;
  p[1] = 0x00008067;
  __asm__ volatile ("fence.i" ::: "memory");
}

static long in_s(long (*fn)(long), long arg) { return run_mode(PRV_S, fn, arg); }
static long in_u(long (*fn)(long), long arg)
{
  ulong sp;
  __asm__ volatile ("mv %0, sp" : "=r"(sp));
  return run_mode_at(PRV_U, U_ALIAS(fn), U_ALIAS(sp - 1024), arg, U_ALIAS(mode_exit));
}

static volatile uint64_t *pte[16];

int main(void)
{
  long v;
  ulong old;
  m_trap_handler = m_handler;
  s_trap_handler = s_handler;
  csr_write(stvec, (ulong)s_trap_entry);

  /* ------------------------------------------------- satp WARL, bare */
  csr_write(satp, 0);
  CHECK(1, csr_read(satp) == 0);
  csr_write(satp, (15UL << 60) | 0x1234);    /* reserved mode: no effect */
  CHECK(2, csr_read(satp) == 0);
  csr_write(satp, (1UL << 60) | 0x1234);
  CHECK(3, csr_read(satp) == 0);

  /* ---------------------------------------------------- Sv39 tables */
  uint64_t *root = pt_alloc();
  map(root, 3, 0x80000000UL, 0x80000000UL, 2, PTE_V | RWX | AD);
  map(root, 3, 0x40000000UL, 0x80000000UL, 2, PTE_V | RWX | AD | PTE_U);
  map(root, 3, 0xc0000000UL, 0x80000000UL, 2, PTE_V | PTE_R | PTE_A);
  pte[0] = map(root, 3, TPAGE(0), (ulong)pages[0], 0, PTE_V | PTE_R | PTE_W | AD);
  pte[1] = map(root, 3, TPAGE(1), (ulong)pages[1], 0, PTE_R | PTE_W | AD); /* V = 0 */
  pte[2] = map(root, 3, TPAGE(2), (ulong)pages[2], 0, PTE_V | PTE_W | AD); /* W, no R */
  pte[3] = map(root, 3, TPAGE(3), (ulong)pages[3], 0, PTE_V | PTE_R | PTE_W | PTE_U | AD);
  pte[4] = map(root, 3, TPAGE(4), (ulong)pages[4], 0, PTE_V | PTE_R | PTE_A);
  pte[5] = map(root, 3, TPAGE(5), (ulong)pages[5], 0, PTE_V | PTE_X | PTE_A);
  pte[6] = map(root, 3, TPAGE(6), (ulong)pages[6], 0, PTE_V | PTE_R | PTE_W);  /* A=D=0 */
  pte[7] = map(root, 3, TPAGE(7), (ulong)pages[7], 0, PTE_V | PTE_R | PTE_W | AD);
  pte[10] = map(root, 3, TPAGE(10), (ulong)pages[10], 0, PTE_V | PTE_R | PTE_X | PTE_A);
  pte[11] = map(root, 3, TPAGE(11), (ulong)pages[11], 0, PTE_V | PTE_R | PTE_W | AD);
  pte[12] = map(root, 3, TPAGE(12), (ulong)pages[12], 0, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);
  pte[13] = map(root, 3, 0x200000UL, 0x80200000UL, 1, PTE_V | PTE_R | PTE_W | AD);
  map(root, 3, 0x400000UL, 0x80201000UL, 1, PTE_V | PTE_R | PTE_W | AD);
  map(root, 3, 0x100000000UL, 0x80200000UL, 2, PTE_V | PTE_R | PTE_W | AD);
  for (int k = 0; k < 16; k++)
    *(volatile uint64_t *)pages[k] = 0x1111111111111111UL * k;
  put_code(10);
  put_code(11);
  put_code(12);
  put_code(5);

  ulong satp39 = SATP_SV39 | ((ulong)root >> 12);
  csr_write(satp, satp39);
  CHECK(4, csr_read(satp) == satp39);
  sfence();

  /* M mode is not translated */
  CHECK(5, *(volatile uint64_t *)pages[3] == 0x3333333333333333UL);

  /* ---------------------------------------- S-mode translated access */
  reset();
  v = in_s(probe_ld, TPAGE(0));
  CHECK(6, NOFAULT() && v == 0);             /* pages[0] holds 0 */
  *(volatile uint64_t *)pages[0] = 0xfeedfacecafef00dUL;
  v = in_s(probe_ld, TPAGE(0));
  CHECK(7, v == (long)0xfeedfacecafef00dUL);
  in_s(probe_sd, TPAGE(0) + 8);
  CHECK(8, NOFAULT() && *(volatile uint64_t *)(pages[0] + 8) == 0x600d);
  /* 2 MiB and 1 GiB superpages */
  *(volatile uint64_t *)0x80212340UL = 0x2222000022220000UL;
  v = in_s(probe_ld, 0x212340);
  CHECK(9, NOFAULT() && v == 0x2222000022220000L);
  v = in_s(probe_ld, 0xc0000000UL + ((ulong)pages[4] - 0x80000000UL));
  CHECK(10, NOFAULT() && v == 0x4444444444444444L);
  /* misaligned superpages */
  reset();
  v = in_s(probe_ld, 0x400008);
  CHECK(11, FAULTED(CAUSE_LOAD_PAGE_FAULT, 0x400008) && v == (long)SENT);
  reset();
  in_s(probe_ld, 0x100000010UL);
  CHECK(12, FAULTED(CAUSE_LOAD_PAGE_FAULT, 0x100000010UL));
  /* S executes through the translation */
  reset();
  v = in_s(probe_exec, TPAGE(10));
  CHECK(13, NOFAULT() && v == 0x77);

  /* --------------------------------------------------- page faults */
  reset();
  in_s(probe_ld, TPAGE(1) + 16);             /* V = 0 */
  CHECK(14, FAULTED(CAUSE_LOAD_PAGE_FAULT, TPAGE(1) + 16));
  reset();
  in_s(probe_sd, TPAGE(1) + 24);
  CHECK(15, FAULTED(CAUSE_STORE_PAGE_FAULT, TPAGE(1) + 24));
  reset();
  v = in_s(probe_exec, TPAGE(1));
  CHECK(16, FAULTED(CAUSE_FETCH_PAGE_FAULT, TPAGE(1)) && v == (long)SENT);
  reset();
  in_s(probe_ld, TPAGE(2));                  /* W without R: reserved */
  CHECK(17, FAULTED(CAUSE_LOAD_PAGE_FAULT, TPAGE(2)));
  reset();
  in_s(probe_sd, TPAGE(2) + 8);
  CHECK(18, FAULTED(CAUSE_STORE_PAGE_FAULT, TPAGE(2) + 8));
  reset();
  in_s(probe_sd, TPAGE(4));                  /* read-only */
  CHECK(19, FAULTED(CAUSE_STORE_PAGE_FAULT, TPAGE(4)));
  reset();
  v = in_s(probe_exec, TPAGE(11));           /* RW, not X */
  CHECK(20, FAULTED(CAUSE_FETCH_PAGE_FAULT, TPAGE(11)) && v == (long)SENT);
  /* U page from S: needs SUM for loads/stores, never executable */
  reset();
  in_s(probe_ld, TPAGE(3));
  CHECK(21, FAULTED(CAUSE_LOAD_PAGE_FAULT, TPAGE(3)));
  reset();
  in_s(probe_sd, TPAGE(3));
  CHECK(22, FAULTED(CAUSE_STORE_PAGE_FAULT, TPAGE(3)));
  csr_set(mstatus, MSTATUS_SUM);
  reset();
  v = in_s(probe_ld, TPAGE(3));
  CHECK(23, NOFAULT() && v == 0x3333333333333333L);
  reset();
  v = in_s(probe_exec, TPAGE(12));
  CHECK(24, FAULTED(CAUSE_FETCH_PAGE_FAULT, TPAGE(12)) && v == (long)SENT);
  csr_clear(mstatus, MSTATUS_SUM);
  /* MXR: execute-only page readable only with MXR */
  reset();
  in_s(probe_ld, TPAGE(5));
  CHECK(25, FAULTED(CAUSE_LOAD_PAGE_FAULT, TPAGE(5)));
  csr_set(mstatus, MSTATUS_MXR);
  reset();
  v = in_s(probe_ld, TPAGE(5));
  CHECK(26, NOFAULT() && v == 0x0000806707700513L);
  reset();
  in_s(probe_sd, TPAGE(5));                  /* MXR does not allow stores */
  CHECK(27, FAULTED(CAUSE_STORE_PAGE_FAULT, TPAGE(5)));
  csr_clear(mstatus, MSTATUS_MXR);
  reset();
  v = in_s(probe_exec, TPAGE(5));            /* X-only is executable */
  CHECK(28, NOFAULT() && v == 0x77);
  /* non-canonical: bits 63..39 must equal bit 38 */
  reset();
  in_s(probe_ld, 0x0000004000100000UL);
  CHECK(29, FAULTED(CAUSE_LOAD_PAGE_FAULT, 0x0000004000100000UL));
  reset();
  in_s(probe_sd, 0xffffff0000100000UL);
  CHECK(30, FAULTED(CAUSE_STORE_PAGE_FAULT, 0xffffff0000100000UL));
  reset();
  in_s(probe_exec, 0x8000000080000000UL);
  CHECK(31, FAULTED(CAUSE_FETCH_PAGE_FAULT, 0x8000000080000000UL));
  reset();
  in_s(probe_ld, 0xffffffc000000000UL);      /* canonical, unmapped */
  CHECK(32, FAULTED(CAUSE_LOAD_PAGE_FAULT, 0xffffffc000000000UL));

  /* ------------------------------------------------- U mode */
  reset();
  v = in_u(probe_ld, TPAGE(3));
  CHECK(33, NOFAULT() && v == 0x3333333333333333L);
  in_u(probe_sd, TPAGE(3) + 8);
  CHECK(34, NOFAULT() && *(volatile uint64_t *)(pages[3] + 8) == 0x600d);
  v = in_u(probe_exec, TPAGE(12));
  CHECK(35, NOFAULT() && v == 0x77);
  reset();
  in_u(probe_ld, TPAGE(0));                  /* S page from U */
  CHECK(36, FAULTED(CAUSE_LOAD_PAGE_FAULT, TPAGE(0)));
  reset();
  in_u(probe_sd, TPAGE(0));
  CHECK(37, FAULTED(CAUSE_STORE_PAGE_FAULT, TPAGE(0)));
  reset();
  in_u(probe_exec, TPAGE(10));
  CHECK(38, FAULTED(CAUSE_FETCH_PAGE_FAULT, TPAGE(10)));
  csr_set(mstatus, MSTATUS_SUM);             /* SUM does not matter for U */
  reset();
  in_u(probe_ld, TPAGE(0));
  CHECK(39, FAULTED(CAUSE_LOAD_PAGE_FAULT, TPAGE(0)));
  csr_clear(mstatus, MSTATUS_SUM);

  /* ----------------------------------------- page faults delegated to S */
  csr_write(medeleg, (1UL << CAUSE_LOAD_PAGE_FAULT) | (1UL << CAUSE_STORE_PAGE_FAULT) |
                     (1UL << CAUSE_FETCH_PAGE_FAULT));
  reset();
  in_u(probe_ld, TPAGE(1) + 0x28);
  CHECK(40, t_count == 0 && s_count == 1 && s_cause == CAUSE_LOAD_PAGE_FAULT &&
           s_tval == TPAGE(1) + 0x28);
  reset();
  in_s(probe_sd, TPAGE(4) + 0x30);
  CHECK(41, t_count == 0 && s_count == 1 && s_cause == CAUSE_STORE_PAGE_FAULT &&
           s_tval == TPAGE(4) + 0x30);
  reset();
  in_s(probe_exec, TPAGE(11));
  CHECK(42, t_count == 0 && s_count == 1 && s_cause == CAUSE_FETCH_PAGE_FAULT &&
           s_tval == TPAGE(11) && s_epc == TPAGE(11));
  csr_write(medeleg, 0);

  /* ------------------------------------------- hardware A/D update */
  CHECK(43, !(*pte[6] & (PTE_A | PTE_D)));
  sfence();
  reset();
  v = in_s(probe_ld, TPAGE(6));
  CHECK(44, NOFAULT() && v == 0x6666666666666666L);
  CHECK(45, (*pte[6] & (PTE_A | PTE_D)) == PTE_A);
  reset();
  in_s(probe_sd, TPAGE(6) + 8);
  CHECK(46, NOFAULT() && (*pte[6] & (PTE_A | PTE_D)) == (PTE_A | PTE_D));
  /* store first on a fresh page: A and D together */
  *pte[6] = (*pte[6] & ~(PTE_A | PTE_D));
  sfence();
  in_s(probe_sd, TPAGE(6) + 16);
  CHECK(47, NOFAULT() && (*pte[6] & (PTE_A | PTE_D)) == (PTE_A | PTE_D));

  /* ---------------------------------------------------- sfence.vma */
  v = in_s(probe_ld, TPAGE(7));              /* now cached in any TLB */
  CHECK(48, v == 0x7777777777777777L);
  *pte[7] = (((ulong)pages[8] >> 12) << 10) | PTE_V | PTE_R | PTE_W | AD;
  sfence();                                  /* global */
  v = in_s(probe_ld, TPAGE(7));
  CHECK(49, v == (long)0x8888888888888888UL);
  *pte[7] = (((ulong)pages[9] >> 12) << 10) | PTE_V | PTE_R | PTE_W | AD;
  __asm__ volatile ("sfence.vma %0, zero" :: "r"(TPAGE(7)) : "memory");
  v = in_s(probe_ld, TPAGE(7));
  CHECK(50, v == (long)0x9999999999999999UL);
  *pte[7] = 0;                               /* unmap, sfence by address+ASID */
  __asm__ volatile ("sfence.vma %0, %1" :: "r"(TPAGE(7)), "r"(0UL) : "memory");
  reset();
  in_s(probe_ld, TPAGE(7));
  CHECK(51, FAULTED(CAUSE_LOAD_PAGE_FAULT, TPAGE(7)));
  /* sfence.vma by an address of a superpage fences the whole leaf PTE
   * (Privileged Spec 4.2.1), not only that address's 4 KiB */
  *(volatile uint64_t *)0x80213340UL = 0x1357;
  *(volatile uint64_t *)0x80413340UL = 0x2468;
  reset();
  v = in_s(probe_ld, 0x213340);              /* cached: VA page 0x213000 */
  CHECK(68, NOFAULT() && v == 0x1357);
  *pte[13] = ((0x80400000UL >> 12) << 10) | PTE_V | PTE_R | PTE_W | AD;
  __asm__ volatile ("sfence.vma %0, zero" :: "r"(0x200000UL) : "memory");
  v = in_s(probe_ld, 0x213340);
  CHECK(69, NOFAULT() && v == 0x2468);
  *pte[13] = ((0x80200000UL >> 12) << 10) | PTE_V | PTE_R | PTE_W | AD;
  __asm__ volatile ("sfence.vma %0, zero" :: "r"(0x3ff000UL) : "memory");
  v = in_s(probe_ld, 0x213340);
  CHECK(70, NOFAULT() && v == 0x1357);
  /* executed code remapped: the same VA runs the new page's code (no
   * stale translated block or jump target survives sfence.vma) */
  reset();
  v = in_s(probe_exec, TPAGE(10));           /* pages[10]: li a0, 0x77 */
  CHECK(65, NOFAULT() && v == 0x77);
  ((volatile uint32_t *)pages[9])[0] = 0x05500513; /* li a0, 0x55 */
  ((volatile uint32_t *)pages[9])[1] = 0x00008067; /* ret */
  __asm__ volatile ("fence.i" ::: "memory");
  *pte[10] = (((ulong)pages[9] >> 12) << 10) | PTE_V | PTE_R | PTE_X | PTE_A;
  __asm__ volatile ("sfence.vma %0, zero" :: "r"(TPAGE(10)) : "memory");
  v = in_s(probe_exec, TPAGE(10));
  CHECK(66, NOFAULT() && v == 0x55);
  *pte[10] = (((ulong)pages[10] >> 12) << 10) | PTE_V | PTE_R | PTE_X | PTE_A;
  sfence();
  v = in_s(probe_exec, TPAGE(10));
  CHECK(67, NOFAULT() && v == 0x77);

  /* ------------------------------------------------ MPRV with MPP = S */
  csr_clear(mstatus, MSTATUS_MPP);
  csr_set(mstatus, MSTATUS_MPP_S);
  reset();
  {
    ulong x = 0, y = 0x5a5a;
    __asm__ volatile (
        "csrs mstatus, %3\n\t"
        ".option push\n.option norvc\n\t"
        "ld %0, 0(%2)\n\t"
        "sd %1, 16(%2)\n\t"
        ".option pop\n\t"
        "csrc mstatus, %3"
        : "=&r"(x) : "r"(y), "r"(TPAGE(0)), "r"(MSTATUS_MPRV) : "memory");
    CHECK(52, NOFAULT() && x == 0xfeedfacecafef00dUL);
    CHECK(53, *(volatile uint64_t *)(pages[0] + 16) == 0x5a5a);
    /* U page with MPP = S and SUM = 0: faults; mret leaves MPRV set, so
       the csrc right after must not touch memory (it does not) */
    x = SENT;
    __asm__ volatile (
        "csrs mstatus, %2\n\t"
        ".option push\n.option norvc\n\t"
        "ld %0, 0(%1)\n\t"
        ".option pop\n\t"
        "csrc mstatus, %2"
        : "+r"(x) : "r"(TPAGE(3)), "r"(MSTATUS_MPRV) : "memory");
    CHECK(54, FAULTED(CAUSE_LOAD_PAGE_FAULT, TPAGE(3)) && x == SENT);
  }
  CHECK(55, !(csr_read(mstatus) & MSTATUS_MPRV));

  /* ---------------------------------------------------------- Sv48 */
  csr_write(satp, 0);
  uint64_t *root48 = pt_alloc();
  map(root48, 4, 0x80000000UL, 0x80000000UL, 2, PTE_V | RWX | AD);
  map(root48, 4, 0x0000400000100000UL, (ulong)pages[13], 0, PTE_V | PTE_R | PTE_W | AD);
  map(root48, 4, 0xffff800000000000UL, (ulong)pages[14], 0, PTE_V | PTE_R | AD);
  *(volatile uint64_t *)pages[13] = 0x4848484848484848UL;
  *(volatile uint64_t *)pages[14] = 0x8484848484848484UL;
  ulong satp48 = SATP_SV48 | ((ulong)root48 >> 12);
  csr_write(satp, satp48);
  CHECK(56, csr_read(satp) == satp48);
  sfence();
  reset();
  v = in_s(probe_ld, 0x0000400000100000UL);
  CHECK(57, NOFAULT() && v == 0x4848484848484848L);
  v = in_s(probe_ld, 0xffff800000000000UL);
  CHECK(58, NOFAULT() && v == (long)0x8484848484848484UL);
  reset();
  in_s(probe_ld, 0x0000800000100000UL);      /* bit 47 != bits 63..48 */
  CHECK(59, FAULTED(CAUSE_LOAD_PAGE_FAULT, 0x0000800000100000UL));
  /* unsupported mode: the whole write is ignored */
  csr_write(satp, (15UL << 60) | 0x55);
  CHECK(60, csr_read(satp) == satp48);
  csr_write(satp, (11UL << 60) | ((ulong)root48 >> 12));
  CHECK(61, csr_read(satp) == satp48);

  /* ------------------------------------------- Sv57, if supported */
  uint64_t *root57 = pt_alloc();
  map(root57, 5, 0x80000000UL, 0x80000000UL, 2, PTE_V | RWX | AD);
  map(root57, 5, 0x0080000000100000UL, (ulong)pages[15], 0, PTE_V | PTE_R | AD);
  *(volatile uint64_t *)pages[15] = 0x5757575757575757UL;
  ulong satp57 = SATP_SV57 | ((ulong)root57 >> 12);
  csr_write(satp, satp57);
  old = csr_read(satp);
  if (old == satp57) {
    sfence();
    reset();
    v = in_s(probe_ld, 0x0080000000100000UL);
    CHECK(62, NOFAULT() && v == 0x5757575757575757L);
    reset();
    in_s(probe_ld, 0x0100000000100000UL);    /* bit 56 set, upper clear */
    CHECK(63, FAULTED(CAUSE_LOAD_PAGE_FAULT, 0x0100000000100000UL));
  } else {
    CHECK(64, old == satp48);                 /* not supported: unchanged */
  }

  csr_write(satp, 0);
  sfence();
  m_trap_handler = 0;
  s_trap_handler = 0;
  return 0;
}
