/*
 * linux_lib.c - what the user-level tests need from lib.c, for the static
 * Linux builds (`make linux`): put_str, is_qemu, memset, memcpy.
 */
#include "test.h"

void put_str(const char *s)
{
  size_t n = 0;
  while (s[n])
    n++;
  register long x0 __asm__("x0") = 1;
  register const char *x1 __asm__("x1") = s;
  register size_t x2 __asm__("x2") = n;
  register long x8 __asm__("x8") = 64; /* write */
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory");
}

/* Linux emulates EL0 reads of MIDR_EL1 (Documentation/arm64/cpu-feature-registers.rst). */
int is_qemu(void) { return read_sysreg(midr_el1) == QEMU_MAX_MIDR; }

void *memset(void *d, int c, size_t n)
{
  unsigned char *p = d;
  while (n--)
    *p++ = (unsigned char)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
  unsigned char *p = d;
  const unsigned char *q = s;
  while (n--)
    *p++ = *q++;
  return d;
}
