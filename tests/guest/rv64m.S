/*
 * rv64m.S - RV64M: mul, mulh, mulhsu, mulhu, div, divu, rem, remu and the
 * W forms, including division by zero (quotient all ones, remainder =
 * dividend, no trap) and signed overflow (INT_MIN / -1 = INT_MIN, rem 0).
 * Expected values: 128-bit products / truncating division, checked with
 * python3 integers.
 */
#include "test.h"

.macro TRR n, op, a, b, exp
  li a1, \a
  li a2, \b
  \op a3, a1, a2
  CHECK_IMM \n, a3, \exp
.endm
.macro TRR1 n, op, a, b, exp     /* rd == rs1 */
  li a1, \a
  li a2, \b
  \op a1, a1, a2
  CHECK_IMM \n, a1, \exp
.endm
.macro TRR2 n, op, a, b, exp     /* rd == rs2 */
  li a1, \a
  li a2, \b
  \op a2, a1, a2
  CHECK_IMM \n, a2, \exp
.endm

  .text
  .globl main
main:
  TRR 1, mul, 3, 7, 21
  TRR 2, mul, -1, -1, 1
  TRR 3, mul, 0x8000000000000000, -1, 0x8000000000000000
  TRR 4, mul, 0x7fffffffffffffff, 2, 0xfffffffffffffffe
  TRR 5, mul, 0x100000001, 0x100000001, 0x200000001
  TRR 6, mul, -3, 5, -15
  TRR1 7, mul, 6, 7, 42
  TRR2 8, mul, 6, 7, 42

  TRR 9, mulh, -1, -1, 0
  TRR 10, mulh, 0x8000000000000000, 0x8000000000000000, 0x4000000000000000
  TRR 11, mulh, 0x8000000000000000, 0x7fffffffffffffff, 0xc000000000000000
  TRR 12, mulh, 2, 3, 0
  TRR 13, mulh, -2, 3, -1
  TRR 14, mulh, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x3fffffffffffffff
  TRR1 15, mulh, 0x8000000000000000, 2, -1

  TRR 16, mulhu, -1, -1, 0xfffffffffffffffe
  TRR 17, mulhu, 0x8000000000000000, 2, 1
  TRR 18, mulhu, 5, 7, 0
  TRR 19, mulhu, 0x8000000000000000, 0x8000000000000000, 0x4000000000000000
  TRR2 20, mulhu, -1, 2, 1

  TRR 21, mulhsu, -1, -1, -1
  TRR 22, mulhsu, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000
  TRR 23, mulhsu, 1, -1, 0
  TRR 24, mulhsu, -1, 1, -1
  TRR 25, mulhsu, 0x7fffffffffffffff, 0xffffffffffffffff, 0x7ffffffffffffffe
  TRR 26, mulhsu, -2, 0x8000000000000000, -1

  TRR 27, mulw, 0x7fffffff, 2, 0xfffffffffffffffe
  TRR 28, mulw, 0x100000003, 0x100000005, 15
  TRR 29, mulw, 0x10000, 0x10000, 0
  TRR 30, mulw, 0x8000, 0x10000, 0xffffffff80000000
  TRR 31, mulw, -1, -1, 1

  TRR 32, div, 20, 6, 3
  TRR 33, div, -20, 6, -3
  TRR 34, div, 20, -6, -3
  TRR 35, div, -20, -6, 3
  TRR 36, div, 1234, 0, -1
  TRR 37, div, 0, 0, -1
  TRR 38, div, 0x8000000000000000, -1, 0x8000000000000000
  TRR 39, div, 0x8000000000000000, 1, 0x8000000000000000
  TRR1 40, div, 100, 7, 14
  TRR2 41, div, 100, 7, 14

  TRR 42, divu, 20, 6, 3
  TRR 43, divu, -1, 1, -1
  TRR 44, divu, -1, 2, 0x7fffffffffffffff
  TRR 45, divu, 1234, 0, 0xffffffffffffffff
  TRR 46, divu, 0x8000000000000000, -1, 0
  TRR 47, divu, -20, 6, 0x2aaaaaaaaaaaaaa7

  TRR 48, rem, 20, 6, 2
  TRR 49, rem, -20, 6, -2
  TRR 50, rem, 20, -6, 2
  TRR 51, rem, -20, -6, -2
  TRR 52, rem, 1234, 0, 1234
  TRR 53, rem, -1234, 0, -1234
  TRR 54, rem, 0x8000000000000000, -1, 0
  TRR2 55, rem, 100, 7, 2

  TRR 56, remu, 20, 6, 2
  TRR 57, remu, -1, 10, 5
  TRR 58, remu, 1234, 0, 1234
  TRR 59, remu, -1, 0, -1
  TRR 60, remu, 0x8000000000000000, -1, 0x8000000000000000
  TRR1 61, remu, 100, 7, 2

  /* W forms: operate on the low 32 bits, sign-extend the 32-bit result */
  TRR 62, divw, 20, 6, 3
  TRR 63, divw, -20, 6, -3
  TRR 64, divw, 0x80000000, -1, 0xffffffff80000000
  TRR 65, divw, 0xffffffff80000000, 0xffffffffffffffff, 0xffffffff80000000
  TRR 66, divw, 1234, 0, -1
  TRR 67, divw, 0x100000014, 0x6, 3
  TRR 68, divw, 0x100000014, 0x100000000, -1   /* divisor's low 32 bits are 0 */
  TRR 69, divw, 0x80000000, 2, 0xffffffffc0000000

  TRR 70, divuw, 0xffffffff, 1, -1
  TRR 71, divuw, 0xffffffff, 2, 0x7fffffff
  TRR 72, divuw, 1234, 0, -1
  TRR 73, divuw, 0x80000000, 0xffffffff, 0
  TRR 74, divuw, 0x100000014, 0x100000006, 3
  TRR 75, divuw, 0xffffffff80000000, 1, 0xffffffff80000000

  TRR 76, remw, -20, 6, -2
  TRR 77, remw, 20, -6, 2
  TRR 78, remw, 0x80000000, -1, 0
  TRR 79, remw, 0x180000001, 0, 0xffffffff80000001
  TRR 80, remw, 0x12345678, 0, 0x12345678
  TRR 81, remw, 0x100000007, 0x100000005, 2

  TRR 82, remuw, 0xffffffff, 10, 5
  TRR 83, remuw, 0x180000001, 0, 0xffffffff80000001
  TRR 84, remuw, 20, 6, 2
  TRR 85, remuw, 0x80000000, 0xffffffff, 0xffffffff80000000
  TRR 86, remuw, 0x1fffffffe, 0x1ffffffff, 0xfffffffffffffffe

  PASS
