/*
 * misaligned.c - misaligned loads and stores to RAM.
 *
 *  - lh/lhu/lw/lwu/ld/sh/sw/sd and flw/fld/fsw/fsd at every misaligned
 *    offset work without a trap and move the right bytes (checked against
 *    byte-wise reference accesses), including neighbours left untouched
 *  - accesses crossing a 4 KiB page boundary (physical, M mode)
 *  - Sv39 (S mode): a misaligned access crossing from one page into
 *    another page that is mapped to a non-adjacent physical page gets its
 *    bytes from both; crossing into an unmapped page raises a load/store
 *    page fault (13/15) with stval = the access's start address or the
 *    first byte of the unmapped page (either is accepted); a 32-bit
 *    instruction straddling into an unmapped page raises a fetch page
 *    fault with sepc/mepc = its start; mtval may be the start or the
 *    page boundary (the address of the faulting portion, per the spec).
 * Any unexpected trap fails through the crt handler.
 */
#include "test.h"

static uint8_t buf[64] __attribute__((aligned(64)));
static uint8_t xbuf[8192] __attribute__((aligned(4096)));

#define LD(insn, a) ({ ulong __v; \
  __asm__ volatile (".option push\n.option norvc\n\t" insn " %0, 0(%1)\n.option pop" \
                    : "=r"(__v) : "r"(a) : "memory"); __v; })
#define ST(insn, a, val) __asm__ volatile (".option push\n.option norvc\n\t" insn \
  " %1, 0(%0)\n.option pop" :: "r"(a), "r"((ulong)(val)) : "memory")
#define FLD(insn, mv, a) ({ ulong __v; \
  __asm__ volatile (insn " ft0, 0(%1)\n\t" mv " %0, ft0" : "=r"(__v) : "r"(a) : "ft0", "memory"); __v; })
#define FST(mvin, insn, a, val) __asm__ volatile (mvin " ft0, %1\n\t" insn " ft0, 0(%0)" \
  :: "r"(a), "r"((ulong)(val)) : "ft0", "memory")

static ulong ref_load(const volatile uint8_t *p, int size, int sgn)
{
  ulong v = 0;
  for (int i = size - 1; i >= 0; i--)
    v = (v << 8) | p[i];
  if (sgn && size < 8 && (v >> (size * 8 - 1)) & 1)
    v |= ~0UL << (size * 8);
  return v;
}

static void fill(volatile uint8_t *p, int n, int seed)
{
  for (int i = 0; i < n; i++)
    p[i] = (uint8_t)(seed + i * 0x25 + (i >> 3) * 0x80);
}

/* checks n..n+1: every load width at offsets 1..7 of p */
static int check_loads(volatile uint8_t *base, int first_off, int last_off)
{
  for (int o = first_off; o <= last_off; o++) {
    volatile uint8_t *p = base + o;
    if (LD("lh", p) != ref_load(p, 2, 1)) return 1;
    if (LD("lhu", p) != ref_load(p, 2, 0)) return 2;
    if (LD("lw", p) != ref_load(p, 4, 1)) return 3;
    if (LD("lwu", p) != ref_load(p, 4, 0)) return 4;
    if (LD("ld", p) != ref_load(p, 8, 0)) return 5;
    if (FLD("flw", "fmv.x.d", p) != (0xffffffff00000000UL | ref_load(p, 4, 0))) return 6;
    if (FLD("fld", "fmv.x.d", p) != ref_load(p, 8, 0)) return 7;
  }
  return 0;
}

/* every store width at offsets: bytes written and neighbours intact */
static int check_stores(volatile uint8_t *base, int first_off, int last_off)
{
  static const struct { int size; int kind; } w[] = {
    {2, 0}, {4, 0}, {8, 0}, {4, 1}, {8, 1} };
  const ulong val = 0x8877665544332211UL;
  for (int o = first_off; o <= last_off; o++) {
    for (int k = 0; k < 5; k++) {
      volatile uint8_t *p = base + o;
      for (int i = -8; i < 16; i++) p[i] = 0xee;
      switch (k) {
      case 0: ST("sh", p, val); break;
      case 1: ST("sw", p, val); break;
      case 2: ST("sd", p, val); break;
      case 3: FST("fmv.w.x", "fsw", p, val); break;
      case 4: FST("fmv.d.x", "fsd", p, val); break;
      }
      int sz = w[k].size;
      for (int i = -8; i < 16; i++) {
        uint8_t want = (i >= 0 && i < sz) ? (uint8_t)(val >> (8 * i)) : 0xee;
        if (p[i] != want) return k + 1;
      }
    }
  }
  return 0;
}

/* ------------------------------------------------------- Sv39 part */
#define PTE_V 1UL
#define PTE_R 2UL
#define PTE_W 4UL
#define PTE_X 8UL
#define PTE_AD 0xc0UL
static uint64_t l2[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l0[512] __attribute__((aligned(4096)));
static uint8_t vpages[3][4096] __attribute__((aligned(4096)));
#define VA0 0x100000UL       /* -> vpages[0] */
#define VA1 0x101000UL       /* -> vpages[2] (not adjacent to vpages[0]) */
#define VA2 0x102000UL       /* unmapped */

static volatile ulong t_count, t_cause, t_tval, t_epc;
static void m_handler(struct trapframe *tf)
{
  t_count++;
  t_cause = tf->cause;
  t_tval = tf->tval;
  t_epc = tf->epc;
  if (tf->cause == CAUSE_FETCH_PAGE_FAULT)
    tf->epc = tf->x[1];
  else if (tf->cause == CAUSE_LOAD_PAGE_FAULT || tf->cause == CAUSE_STORE_PAGE_FAULT)
    tf->epc += 4;
  else
    test_fail(199);
}
static void reset(void) { t_count = 0; t_cause = t_tval = t_epc = -1UL; }

#define SENT 0x5e5e5e5eUL
static long s_ld(long va) { ulong v = SENT;
  __asm__ volatile (".option push\n.option norvc\n\tld %0, 0(%1)\n.option pop" : "+r"(v) : "r"(va) : "memory");
  return v; }
static long s_lw(long va) { ulong v = SENT;
  __asm__ volatile (".option push\n.option norvc\n\tlw %0, 0(%1)\n.option pop" : "+r"(v) : "r"(va) : "memory");
  return v; }
static long s_sd(long va) {
  __asm__ volatile (".option push\n.option norvc\n\tsd %1, 0(%0)\n.option pop" :: "r"(va), "r"(0x0102030405060708UL) : "memory");
  return 0; }
static long s_sh(long va) {
  __asm__ volatile (".option push\n.option norvc\n\tsh %1, 0(%0)\n.option pop" :: "r"(va), "r"(0xabcdUL) : "memory");
  return 0; }
static long s_fld(long va) { ulong v = SENT;
  __asm__ volatile ("fmv.d.x ft0, %0\n\t.option push\n.option norvc\n\tfld ft0, 0(%1)\n.option pop\n\tfmv.x.d %0, ft0"
                    : "+r"(v) : "r"(va) : "ft0", "memory");
  return v; }
static long s_jump(long va) {
  register long a0 __asm__("a0") = SENT;
  register long t0 __asm__("t0") = va;
  __asm__ volatile ("jalr ra, 0(t0)" : "+r"(a0), "+r"(t0) :: "ra", "memory");
  return a0; }

int main(void)
{
  int r;
  m_trap_handler = 0;                       /* physical part: no traps at all */

  /* ----------------------------------------------- physical RAM, M mode */
  fill(buf, 64, 0x31);
  r = check_loads(buf + 8, 1, 7);
  CHECK(1, r == 0);
  r = check_loads(buf + 16, 9, 15);         /* offsets across 8-byte words */
  CHECK(2, r == 0);
  r = check_stores(buf + 16, 1, 7);
  CHECK(3, r == 0);
  /* page crossing */
  fill(xbuf + 4096 - 32, 64, 0x5c);
  r = check_loads(xbuf + 4096 - 8, 1, 7);
  CHECK(4, r == 0);
  r = check_stores(xbuf + 4096 - 8, 1, 7);
  CHECK(5, r == 0);
  /* explicit values: ld at 0xffd crossing */
  for (int i = 0; i < 16; i++) xbuf[4096 - 8 + i] = (uint8_t)(0xa0 + i);
  CHECK(6, LD("ld", xbuf + 4096 - 3) == 0xacabaaa9a8a7a6a5UL);
  CHECK(7, LD("lw", xbuf + 4096 - 1) == 0xffffffffaaa9a8a7UL);
  CHECK(8, LD("lhu", xbuf + 4096 - 1) == 0xa8a7UL);
  ST("sw", xbuf + 4096 - 2, 0x11223344UL);
  CHECK(9, xbuf[4094] == 0x44 && xbuf[4095] == 0x33 && xbuf[4096] == 0x22 &&
           xbuf[4097] == 0x11 && xbuf[4093] == 0xa5 && xbuf[4098] == 0xaa);

  /* ---------------------------------------------- Sv39, S mode */
  m_trap_handler = m_handler;
  l2[2] = ((0x80000000UL >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD;
  l2[0] = (((ulong)l1 >> 12) << 10) | PTE_V;
  l1[0] = (((ulong)l0 >> 12) << 10) | PTE_V;
  l0[VA0 >> 12] = (((ulong)vpages[0] >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD;
  l0[VA1 >> 12] = (((ulong)vpages[2] >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD;
  for (int i = 0; i < 4096; i++) {
    vpages[0][i] = (uint8_t)i;
    vpages[1][i] = 0xdd;
    vpages[2][i] = (uint8_t)(0x80 + i);
  }
  csr_write(satp, (8UL << 60) | ((ulong)l2 >> 12));
  __asm__ volatile ("sfence.vma" ::: "memory");

  reset();
  long v = run_mode(PRV_S, s_ld, VA0 + 0xffd);   /* fd fe ff | 80 81 82 83 84 */
  CHECK(10, t_count == 0 && v == (long)0x8483828180fffefdUL);
  v = run_mode(PRV_S, s_lw, VA1 - 2);
  CHECK(11, t_count == 0 && v == (long)0xffffffff8180fffeUL);
  run_mode(PRV_S, s_sd, VA1 - 4);
  CHECK(12, t_count == 0 && vpages[0][4092] == 0x08 && vpages[0][4095] == 0x05 &&
           vpages[2][0] == 0x04 && vpages[2][3] == 0x01 && vpages[2][4] == 0x84 &&
           vpages[1][0] == 0xdd);
  v = run_mode(PRV_S, s_fld, VA1 - 1);
  CHECK(13, t_count == 0 && v == (long)0x8685840102030405UL);
  /* crossing into the unmapped page */
  reset();
  v = run_mode(PRV_S, s_ld, VA2 - 4);
  CHECK(14, t_count == 1 && t_cause == CAUSE_LOAD_PAGE_FAULT && v == (long)SENT);
  CHECK(15, t_tval == VA2 - 4 || t_tval == VA2);
  reset();
  run_mode(PRV_S, s_sh, VA2 - 1);
  CHECK(16, t_count == 1 && t_cause == CAUSE_STORE_PAGE_FAULT);
  CHECK(17, t_tval == VA2 - 1 || t_tval == VA2);
  reset();
  v = run_mode(PRV_S, s_fld, VA2 - 6);
  CHECK(18, t_count == 1 && t_cause == CAUSE_LOAD_PAGE_FAULT && v == (long)SENT &&
           (t_tval == VA2 - 6 || t_tval == VA2));
  /* a 32-bit instruction straddling into the unmapped page */
  vpages[2][4094] = 0x13;                  /* low half of addi x0, x0, 0 */
  vpages[2][4095] = 0x00;
  __asm__ volatile ("fence.i" ::: "memory");
  reset();
  v = run_mode(PRV_S, s_jump, VA2 - 2);
  CHECK(19, t_count == 1 && t_cause == CAUSE_FETCH_PAGE_FAULT && t_epc == VA2 - 2);
  CHECK(20, t_tval == VA2 || t_tval == VA2 - 2);

  csr_write(satp, 0);
  __asm__ volatile ("sfence.vma" ::: "memory");
  m_trap_handler = 0;
  return 0;
}
