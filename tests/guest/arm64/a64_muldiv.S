/*
 * a64_muldiv.S - multiply and divide.
 *
 * MADD/MSUB/MUL/MNEG (X and W: W forms ignore the upper source halves and
 * zero the upper result half), SMADDL/UMADDL/SMSUBL/UMSUBL and their
 * SMULL/UMULL/SMNEGL/UMNEGL aliases (sign/zero extension of the W
 * sources), SMULH/UMULH on sign edges, UDIV/SDIV (X and W) incl. division
 * by zero (result 0, no exception), INT_MIN / -1 (INT_MIN), truncation
 * toward zero, and Rd == Rn / Rd == Rm.
 *
 * Operands in x1/x2, addend in x4, result in x3 (poisoned before).
 * CHECK_IMM uses x16.
 */
#include "test.h"

#define P 0xdeadbeefdeadbeef

/* x3 = insn with x1 = a, x2 = b, x4 = c */
.macro T n, a, b, c, exp, insn:vararg
  MOV64 x1, \a
  MOV64 x2, \b
  MOV64 x4, \c
  MOV64 x3, P
  \insn
  CHECK_IMM \n, x3, \exp
.endm

  .text
  .globl main
main:
  /* ------------------------------------------------ 64 x 64 -> 64 */
  T 1, 3, 7, 100, 121, madd x3, x1, x2, x4
  T 2, 3, 7, 100, 79, msub x3, x1, x2, x4
  T 3, 0x123456789abcdef0, 0x10, 0, 0x23456789abcdef00, mul x3, x1, x2
  T 4, 0x0123456789abcdef, 0xfedcba9876543210, 0, 0x2236d88fe5618cf0, mul x3, x1, x2
  T 5, 0x0123456789abcdef, 0xfedcba9876543210, 0x1111, 0x2236d88fe5619e01, madd x3, x1, x2, x4
  T 6, 0x0123456789abcdef, 0xfedcba9876543210, 0x1111, 0xddc927701a9e8421, msub x3, x1, x2, x4
  T 7, -1, 2, 0, -2, mul x3, x1, x2
  T 8, 0x12345, 0x1000, 0, 0xffffffffedcbb000, mneg x3, x1, x2
  T 9, 5, 6, 0, 25, mul x3, x1, x1
  /* ------------------------------------------------ 32 x 32 -> 32 */
  T 10, 0xffffffff80000000, 2, 0xffffffff00000000, 0, madd w3, w1, w2, w4
  T 11, 0x10000, 0x10000, 7, 7, madd w3, w1, w2, w4
  T 12, 0x12345678, 0x9abcdef0, 0, 0x242d2080, mul w3, w1, w2
  T 13, 3, 5, 1, 0xfffffff2, msub w3, w1, w2, w4
  T 14, 0xaaaaaaaa00000002, 3, 0, 0xfffffffa, mneg w3, w1, w2
  /* ------------------------------------------------ 32 x 32 -> 64 */
  T 15, 0x80000001, 0x7fffffff, 5, 0xc000000100000004, smaddl x3, w1, w2, x4
  T 16, 0x80000001, 0x7fffffff, 5, 0x4000000000000004, umaddl x3, w1, w2, x4
  T 17, 0x80000001, 0x7fffffff, 5, 0x3fffffff00000006, smsubl x3, w1, w2, x4
  T 18, 0x80000001, 0x7fffffff, 5, 0xc000000000000006, umsubl x3, w1, w2, x4
  T 19, 0xffffffff, 2, 0, -2, smull x3, w1, w2
  T 20, 0x12345678ffffffff, 2, 0, 0x1fffffffe, umull x3, w1, w2
  T 21, 0xffffffff, 0xffffffff, 0, -1, smnegl x3, w1, w2
  T 22, 0xffffffff, 0xffffffff, 0, 0x1ffffffff, umnegl x3, w1, w2
  /* ------------------------------------------------ high halves */
  T 23, -1, -1, 0, 0, smulh x3, x1, x2
  T 24, 0x8000000000000000, 0x8000000000000000, 0, 0x4000000000000000, smulh x3, x1, x2
  T 25, -1, 1, 0, -1, smulh x3, x1, x2
  T 26, 0x7fffffffffffffff, 2, 0, 0, smulh x3, x1, x2
  T 27, 0x0123456789abcdef, 0xfedcba9876543210, 0, 0xfffeb49923cc0953, smulh x3, x1, x2
  T 28, -1, -1, 0, 0xfffffffffffffffe, umulh x3, x1, x2
  T 29, 0x8000000000000000, 2, 0, 1, umulh x3, x1, x2
  T 30, 0x0123456789abcdef, 0xfedcba9876543210, 0, 0x0121fa00ad77d742, umulh x3, x1, x2
  T 31, 0x8000000000000000, -1, 0, 0x7fffffffffffffff, umulh x3, x1, x2
  /* ------------------------------------------------ divide */
  T 32, 10, 3, 0, 3, udiv x3, x1, x2
  T 33, 10, 0, 0, 0, udiv x3, x1, x2
  T 34, -1, 1, 0, -1, udiv x3, x1, x2
  T 35, 0x8000000000000000, -1, 0, 0, udiv x3, x1, x2
  T 36, -1, 0x10, 0, 0x0fffffffffffffff, udiv x3, x1, x2
  T 37, -7, 2, 0, -3, sdiv x3, x1, x2
  T 38, 7, -2, 0, -3, sdiv x3, x1, x2
  T 39, -7, -2, 0, 3, sdiv x3, x1, x2
  T 40, 0x8000000000000000, -1, 0, 0x8000000000000000, sdiv x3, x1, x2
  T 41, -5, 0, 0, 0, sdiv x3, x1, x2
  T 42, 0x8000000000000000, 1, 0, 0x8000000000000000, sdiv x3, x1, x2
  T 43, 0xffffffff, 2, 0, 0x7fffffff, udiv w3, w1, w2
  T 44, 0xffffffff00000064, 0xffffffff0000000a, 0, 10, udiv w3, w1, w2
  T 45, 0x80000000, -1, 0, 0x80000000, sdiv w3, w1, w2
  T 46, -7, 2, 0, 0xfffffffd, sdiv w3, w1, w2
  T 47, 0x7fffffff, 0, 0, 0, sdiv w3, w1, w2
  T 48, 0x12345678, 0x100000000, 0, 0, udiv w3, w1, w2
  T 49, -100, 7, 0, -14, sdiv x3, x1, x2
  /* Rd == Rn and Rd == Rm */
  MOV64 x1, 100
  MOV64 x2, 7
  udiv x1, x1, x2
  CHECK_IMM 50, x1, 14
  MOV64 x1, 100
  sdiv x2, x1, x2
  CHECK_IMM 51, x2, 14
  MOV64 x1, 6
  MOV64 x2, 7
  madd x1, x1, x2, x1
  CHECK_IMM 52, x1, 48

  PASS
