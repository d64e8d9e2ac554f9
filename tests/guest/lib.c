/*
 * lib.c - trap dispatch and tiny libc for the wvm guest tests.
 */
#include "test.h"

volatile trap_handler_t m_trap_handler;
volatile trap_handler_t s_trap_handler;
volatile ulong unexpected_mcause, unexpected_mepc, unexpected_mtval;

/* Saved M-mode context of run_mode_at() (layout used by crt.S). */
struct mode_ctx {
  ulong ra, sp, s[12], mstatus;
} mode_ctx;

static const int sreg_num[12] = { 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27 };

static void __attribute__((noreturn)) unexpected(ulong cause, ulong epc, ulong tval)
{
  unexpected_mcause = cause;
  unexpected_mepc = epc;
  unexpected_mtval = tval;
  if (cause & CAUSE_INTR)
    test_fail(FAIL_UNEXP_IRQ);
  if (cause > 15)
    test_fail(FAIL_UNEXP_EXC_BIG);
  test_fail(FAIL_UNEXP_EXC_BASE + cause);
}

static int is_ecall(ulong cause)
{
  return cause == CAUSE_USER_ECALL || cause == CAUSE_SUPERVISOR_ECALL ||
         cause == CAUSE_MACHINE_ECALL;
}

void m_trap_dispatch(struct trapframe *tf)
{
  if (is_ecall(tf->cause) && tf->x[17] == MODE_EXIT_MAGIC) {
    /* return from run_mode_at(): resume its caller in M mode */
    tf->epc = mode_ctx.ra;
    tf->x[1] = mode_ctx.ra;
    tf->x[2] = mode_ctx.sp;
    for (int i = 0; i < 12; i++)
      tf->x[sreg_num[i]] = mode_ctx.s[i];
    ulong st = tf->status & ~(MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MPRV);
    st |= MSTATUS_MPP_M;
    if (mode_ctx.mstatus & MSTATUS_MIE)
      st |= MSTATUS_MPIE;
    tf->status = st;
    return;
  }
  if (is_ecall(tf->cause) && tf->x[17] == MODE_FAIL_MAGIC)
    test_fail(tf->x[10]);
  if (m_trap_handler) {
    m_trap_handler(tf);
    return;
  }
  unexpected(tf->cause, tf->epc, tf->tval);
}

static void __attribute__((noreturn)) s_ecall(ulong a0, ulong a7)
{
  register ulong r0 __asm__("a0") = a0;
  register ulong r7 __asm__("a7") = a7;
  __asm__ volatile ("ecall" :: "r"(r0), "r"(r7) : "memory");
  for (;;) ;
}

void s_trap_dispatch(struct trapframe *tf)
{
  if (tf->cause == CAUSE_USER_ECALL &&
      (tf->x[17] == MODE_EXIT_MAGIC || tf->x[17] == MODE_FAIL_MAGIC))
    s_ecall(tf->x[10], tf->x[17]);   /* forward to M */
  if (s_trap_handler) {
    s_trap_handler(tf);
    return;
  }
  ulong code;
  if (tf->cause & CAUSE_INTR) code = FAIL_UNEXP_IRQ;
  else if (tf->cause > 15) code = FAIL_UNEXP_EXC_BIG;
  else code = FAIL_UNEXP_EXC_BASE + tf->cause;
  s_ecall(code, MODE_FAIL_MAGIC);
}

int is_qemu(void)
{
  ulong v = csr_read(mvendorid), a = csr_read(marchid), i = csr_read(mimpid);
  return v == 0 && a == i && (a >> 24) == 0 && (a >> 16) >= 4 && (a >> 16) <= 15;
}

/* -------------------------------------------------------------- libc */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memset(void *d, int c, size_t n)
{
  unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}

__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memcpy(void *d, const void *s, size_t n)
{
  unsigned char *p = d;
  const unsigned char *q = s;
  while (n--) *p++ = *q++;
  return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
  const unsigned char *p = a, *q = b;
  for (; n; n--, p++, q++)
    if (*p != *q) return *p - *q;
  return 0;
}
