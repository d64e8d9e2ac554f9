/*
 * bench_alu.c - benchmark (not a conformance check): a tight ALU-only
 * loop (add/xor/shift mix, no memory accesses) of 10 instructions per
 * iteration; the default ALU_ITERS = 30 M gives ~300 M guest instructions.
 *
 * The final state is checked against ALU_EXPECT, computed on the host by
 * tools/bench_ref.py (same recurrence in C); the check is only compiled
 * in when ALU_ITERS has its default value.  Check 1 = wrong result.
 */
#include "test.h"

#ifndef ALU_ITERS
#define ALU_ITERS 30000000
#endif
#define ALU_EXPECT_ITERS 30000000
#define ALU_EXPECT 0xdde75d3dc5c8037fULL       /* tools/bench_ref.py */

int main(void)
{
  register ulong a __asm__("a0") = 0x0123456789abcdefUL;
  register ulong b __asm__("a1") = 0xfedcba9876543210UL;
  register ulong c __asm__("a2") = 0x0f0f0f0f0f0f0f0fUL;
  register ulong d __asm__("a3") = 0x1UL;
  register ulong n __asm__("a4") = ALU_ITERS;
  /* 10 instructions per iteration */
  __asm__ volatile (
      "1:\n\t"
      "add  %0, %0, %1\n\t"      /* a += b        */
      "xor  %1, %1, %0\n\t"      /* b ^= a        */
      "slli t0, %0, 7\n\t"
      "srli t1, %1, 11\n\t"
      "xor  %2, %2, t0\n\t"      /* c ^= a << 7   */
      "add  %3, %3, t1\n\t"      /* d += b >> 11  */
      "sub  %0, %0, %3\n\t"      /* a -= d        */
      "xor  %1, %1, %2\n\t"      /* b ^= c        */
      "addi %4, %4, -1\n\t"
      "bnez %4, 1b"
      : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+r"(n) :: "t0", "t1");
#if ALU_ITERS == ALU_EXPECT_ITERS
  if ((a ^ b ^ c ^ d) != ALU_EXPECT)
    test_fail(1);
#endif
  return 0;
}
