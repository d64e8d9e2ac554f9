/*
 * lib.c - semihosting exit/print, exception dispatch and a tiny libc of
 * the wvm AArch64 guest tests.
 */
#include "test.h"

/* 1 while the code running below the current exception, if any, is EL0:
   set by run_el0 and trap_dispatch, so test_fail() knows its EL (EL0
   cannot read CurrentEL). */
volatile int el0_active;

void run_el0_return(void);

static long semihost(long op, const void *arg)
{
  register long x0 __asm__("x0") = op;
  register const void *x1 __asm__("x1") = arg;
  __asm__ volatile ("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
  return x0;
}

void put_str(const char *s)
{
  semihost(SEMI_WRITE0, s);
}

static void __attribute__((noreturn)) exit_code(ulong code)
{
  static volatile ulong block[2];
  block[0] = ADP_STOPPED_APPLICATION_EXIT;
  block[1] = code;
  semihost(SEMI_EXIT_EXTENDED, (const void *)block);
  for (;;)
    ;
}

/* append " name=0x<hex>" (or just the decimal number if name is 0) */
static char *put_num(char *p, const char *name, ulong v)
{
  char tmp[20];
  int n = 0;
  *p++ = ' ';
  if (name) {
    while (*name)
      *p++ = *name++;
    *p++ = '=';
    *p++ = '0';
    *p++ = 'x';
    do { tmp[n++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
  } else {
    do { tmp[n++] = '0' + v % 10; v /= 10; } while (v);
  }
  while (n)
    *p++ = tmp[--n];
  return p;
}

static void __attribute__((noreturn)) fail_exit(ulong code, struct trapframe *tf,
                                                const char *what, ulong val)
{
  static char line[200];
  char *p = line;
  *p++ = 'F'; *p++ = 'A'; *p++ = 'I'; *p++ = 'L';
  p = put_num(p, 0, code);
  if (tf) {
    p = put_num(p, "vec", tf->vec);
    p = put_num(p, "ESR", tf->esr);
    p = put_num(p, "ELR", tf->elr);
    p = put_num(p, "FAR", tf->far);
    p = put_num(p, "SPSR", tf->spsr);
  }
  if (what)
    p = put_num(p, what, val);
  *p++ = '\n';
  *p = 0;
  put_str(line);
  exit_code(code);
}

void test_pass(void)
{
  exit_code(0);
}

void test_fail(ulong n)
{
  if (el0_active) {
    register ulong x0 __asm__("x0") = n;
    register ulong x8 __asm__("x8") = EL0_FAIL_MAGIC;
    __asm__ volatile ("svc #" STR(SVC_MAGIC) :: "r"(x0), "r"(x8) : "memory");
  }
  fail_exit(n ? n : FAIL_ZERO, 0, 0, 0);
}

void not_el1_fail(ulong current_el)
{
  fail_exit(FAIL_NOT_EL1, 0, "CurrentEL", current_el);
}

__attribute__((weak)) int el1_sync_handler(struct trapframe *tf) { (void)tf; return 1; }
__attribute__((weak)) int el0_sync_handler(struct trapframe *tf) { (void)tf; return 1; }
__attribute__((weak)) int irq_handler(struct trapframe *tf) { (void)tf; return 1; }
__attribute__((weak)) int fiq_handler(struct trapframe *tf) { (void)tf; return 1; }
__attribute__((weak)) int serror_handler(struct trapframe *tf) { (void)tf; return 1; }

/* Called by every vector of crt.S. */
void trap_dispatch(struct trapframe *tf)
{
  ulong kind = tf->vec & 0x180, from = tf->vec & 0x600;
  int r;
  el0_active = 0;
  if (from == VEC_EL0_64 && kind == VEC_SYNC && ESR_EC(tf->esr) == EC_SVC64 &&
      (tf->esr & 0xffff) == SVC_MAGIC && tf->x[8] == EL0_EXIT_MAGIC) {
    tf->elr = (ulong)run_el0_return;
    tf->spsr = PSR_M_EL1H | PSR_DAIF;
    return;
  }
  if (from == VEC_EL0_64 && kind == VEC_SYNC && ESR_EC(tf->esr) == EC_SVC64 &&
      (tf->esr & 0xffff) == SVC_MAGIC && tf->x[8] == EL0_FAIL_MAGIC)
    test_fail(tf->x[0]);
  if (kind == VEC_SYNC)
    r = from >= VEC_EL0_64 ? el0_sync_handler(tf) : el1_sync_handler(tf);
  else if (kind == VEC_IRQ)
    r = irq_handler(tf);
  else if (kind == VEC_FIQ)
    r = fiq_handler(tf);
  else
    r = serror_handler(tf);
  if (r) {
    ulong code;
    if (from == VEC_EL0_32) code = FAIL_AARCH32;
    else if (kind == VEC_IRQ) code = FAIL_IRQ;
    else if (kind == VEC_FIQ) code = FAIL_FIQ;
    else if (kind == VEC_SERROR) code = FAIL_SERROR;
    else if (from == VEC_EL0_64) code = FAIL_EXC_EL0;
    else if (from == VEC_EL1T) code = FAIL_EXC_EL1T;
    else code = FAIL_EXC_EL1;
    fail_exit(code, tf, 0, 0);
  }
  el0_active = (tf->spsr & 0x1f) == PSR_M_EL0T;
}

int is_qemu(void)
{
  return read_sysreg(midr_el1) == QEMU_MAX_MIDR;
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
