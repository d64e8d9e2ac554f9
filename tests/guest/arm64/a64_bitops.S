/*
 * a64_bitops.S - bitfield, extract, shifts, bit counting/reversal, CRC32.
 *
 * UBFM/SBFM/BFM directly and through the LSL/LSR/ASR immediate, UBFX/
 * SBFX/UBFIZ/SBFIZ/BFI/BFXIL, UXTB/UXTH/SXTB/SXTH/SXTW aliases (X and W).
 * EXTR and ROR immediate.  LSLV/LSRV/ASRV/RORV with the amount taken
 * modulo the width (64 or 32) and the upper half of W sources ignored.
 * CLZ/CLS/RBIT/REV/REV16/REV32 (X and W).  CRC32B/H/W/X and CRC32CB/H/W/X
 * (upper data bits ignored) and the standard check values of "123456789".
 *
 * Operands in x1/x2, result in x3 (poisoned before); CHECK_IMM uses x16.
 */
#include "test.h"

#define P 0xdeadbeefdeadbeef

.macro T n, a, b, exp, insn:vararg
  MOV64 x1, \a
  MOV64 x2, \b
  MOV64 x3, P
  \insn
  CHECK_IMM \n, x3, \exp
.endm

  .text
  .globl main
main:
  /* ------------------------------------------------ shifts (UBFM/SBFM) */
  T 1, 0x8000000000000001, 0, 0x10, lsl x3, x1, #4
  T 2, 3, 0, 0x8000000000000000, lsl x3, x1, #63
  T 3, 0x8000000000000000, 0, 1, lsr x3, x1, #63
  T 4, 0x8000000000000000, 0, -1, asr x3, x1, #63
  T 5, 0x8000000000000010, 0, 0xf800000000000001, asr x3, x1, #4
  T 6, 3, 0, 0x80000000, lsl w3, w1, #31
  T 7, 0xffffffff80000000, 0, 0x40000000, lsr w3, w1, #1
  T 8, 0x80000000, 0, 0xffffffff, asr w3, w1, #31
  T 9, 0x1234, 0, 0x1234, lsr x3, x1, #0

  /* -------------------------------------------------- bitfield moves */
  T 10, 0x123456789abcdef0, 0, 0xbcde, ubfx x3, x1, #8, #16
  T 11, 0x123456789abcdef0, 0, 1, ubfx x3, x1, #60, #4
  T 12, 0xf80, 0, 0xfffffffffffffff8, sbfx x3, x1, #4, #8
  T 13, 0x780, 0, 0x78, sbfx x3, x1, #4, #8
  T 14, 1, 0, 0xffffffff, sbfx w3, w1, #0, #1
  T 15, 0x12, 0, 0xdeadbeefdead12ef, bfi x3, x1, #8, #8
  T 16, 0xabc, 0, 0xdeadbeefdeadbeab, bfxil x3, x1, #4, #8
  T 17, 0x5, 0, 0x5eadbeef, bfi w3, w1, #28, #4
  T 18, 0x12345678, 0, 0xdead1234, bfxil w3, w1, #16, #16
  T 19, 0xa, 0, 0xdeadbeefdeadbeaf, bfm x3, x1, #60, #3
  T 20, 0xffffffff12345678, 0, 0x1234567800000000, ubfiz x3, x1, #32, #32
  T 21, 0x8, 0, 0xffffffffffffff80, sbfiz x3, x1, #4, #4
  T 22, 0x8000000000000000, 0, 0x8000000000000000, sbfm x3, x1, #0, #63
  T 23, 0xffffffff, 0, 0x0fffffff, ubfm x3, x1, #4, #63
  T 24, 0xff, 0, 0xffffffffffffff00, sbfm x3, x1, #56, #7
  T 25, 2, 0, 0x80000001, bfm w3, w1, #1, #31
  /* extension aliases */
  T 26, 0x1ff, 0, 0xff, uxtb w3, w1
  T 27, 0x12345, 0, 0x2345, uxth w3, w1
  T 28, 0x80, 0, 0xffffffffffffff80, sxtb x3, w1
  T 29, 0x17f, 0, 0x7f, sxtb w3, w1
  T 30, 0x80, 0, 0xffffff80, sxtb w3, w1
  T 31, 0x8000, 0, 0xffffffffffff8000, sxth x3, w1
  T 32, 0x18000, 0, 0xffff8000, sxth w3, w1
  T 33, 0x80000000, 0, 0xffffffff80000000, sxtw x3, w1
  T 34, 0x123456787fffffff, 0, 0x7fffffff, sxtw x3, w1

  /* ------------------------------------------------------- EXTR, ROR */
  T 35, 0x0123456789abcdef, 0xfedcba9876543210, 0xeffedcba98765432, extr x3, x1, x2, #8
  T 36, 0x0123456789abcdef, 0xfedcba9876543210, 0xfedcba9876543210, extr x3, x1, x2, #0
  T 37, 0x0123456789abcdef, 0xfedcba9876543210, 0x02468acf13579bdf, extr x3, x1, x2, #63
  T 38, 0x12345678, 0x9abcdef0, 0x89abcdef, extr w3, w1, w2, #4
  T 39, 0x0123456789abcdef, 0, 0xf0123456789abcde, ror x3, x1, #4
  T 40, 0xffffffff12345678, 0, 0x56781234, ror w3, w1, #16
  T 41, 1, 0, 0x8000000000000000, ror x3, x1, #1

  /* ------------------------------------ variable shifts, modulo width */
  T 42, 1, 64, 1, lslv x3, x1, x2
  T 43, 1, 65, 2, lsl x3, x1, x2
  T 44, 1, 63, 0x8000000000000000, lsl x3, x1, x2
  T 45, 1, 0xffffffffffffffc1, 2, lsl x3, x1, x2
  T 46, 0x8000000000000000, 127, 1, lsrv x3, x1, x2
  T 47, 0x8000000000000000, 64, 0x8000000000000000, asrv x3, x1, x2
  T 48, 0x8000000000000000, 62, 0xfffffffffffffffe, asr x3, x1, x2
  T 49, 1, 65, 0x8000000000000000, rorv x3, x1, x2
  T 50, 0x0123456789abcdef, 0x100000008, 0xef0123456789abcd, ror x3, x1, x2
  T 51, 1, 32, 1, lslv w3, w1, w2
  T 52, 1, 33, 2, lsl w3, w1, w2
  T 53, 1, 31, 0x80000000, lsl w3, w1, w2
  T 54, 0x80000000, 63, 1, lsrv w3, w1, w2
  T 55, 0x80000000, 0x20, 0x80000000, asrv w3, w1, w2
  T 56, 0x80000000, 4, 0xf8000000, asr w3, w1, w2
  T 57, 1, 33, 0x80000000, rorv w3, w1, w2
  T 58, 0xffffffff00000010, 4, 1, lsr w3, w1, w2
  T 59, 0xffffffff00000001, 0xffffffff0000001f, 0x80000000, lsl w3, w1, w2
  T 60, 0xaaaaaaaa00000000, 1, 0, asr w3, w1, w2

  /* --------------------------------------------------------- CLZ, CLS */
  T 61, 0, 0, 64, clz x3, x1
  T 62, 1, 0, 63, clz x3, x1
  T 63, 0x8000000000000000, 0, 0, clz x3, x1
  T 64, 0x00000f0000000000, 0, 20, clz x3, x1
  T 65, 0, 0, 32, clz w3, w1
  T 66, 0xffffffff00000001, 0, 31, clz w3, w1
  T 67, 0x80000000, 0, 0, clz w3, w1
  T 68, 0, 0, 63, cls x3, x1
  T 69, -1, 0, 63, cls x3, x1
  T 70, 1, 0, 62, cls x3, x1
  T 71, 0x8000000000000000, 0, 0, cls x3, x1
  T 72, 0xc000000000000000, 0, 1, cls x3, x1
  T 73, 0xfff0000000000000, 0, 11, cls x3, x1
  T 74, 0, 0, 31, cls w3, w1
  T 75, 0xffffffff, 0, 31, cls w3, w1
  T 76, 0xffffffff40000000, 0, 0, cls w3, w1
  T 77, 0x00000000ffff0000, 0, 15, cls w3, w1

  /* ---------------------------------------------- RBIT, REV, REV16/32 */
  T 78, 1, 0, 0x8000000000000000, rbit x3, x1
  T 79, 0x0123456789abcdef, 0, 0xf7b3d591e6a2c480, rbit x3, x1
  T 80, 0xffffffff00000001, 0, 0x80000000, rbit w3, w1
  T 81, 0x12345678, 0, 0x1e6a2c48, rbit w3, w1
  T 82, 0x0123456789abcdef, 0, 0xefcdab8967452301, rev x3, x1
  T 83, 0xffffffff12345678, 0, 0x78563412, rev w3, w1
  T 84, 0x0123456789abcdef, 0, 0x23016745ab89efcd, rev16 x3, x1
  T 85, 0xffffffff12345678, 0, 0x34127856, rev16 w3, w1
  T 86, 0x0123456789abcdef, 0, 0x67452301efcdab89, rev32 x3, x1
  T 87, 0xff00000000000080, 0, 0x80000000000000ff, rev x3, x1

  /* ---------------------------------------------------------- CRC32 */
  T 88, 0xffffffff, 0x12345678ab, 0x6cf96a12, crc32b w3, w1, w2
  T 89, 0x12345678, 0x12345678ab, 0x1fc8b738, crc32b w3, w1, w2
  T 90, 0xffffffff, 0x12345678abcd, 0x81763e63, crc32h w3, w1, w2
  T 91, 0x12345678, 0x12345678abcd, 0x5abec668, crc32h w3, w1, w2
  T 92, 0xffffffff, 0xffffffff87654321, 0xdfbf5240, crc32w w3, w1, w2
  T 93, 0xffffffff12345678, 0x87654321, 0x8f2d2a6d, crc32w w3, w1, w2
  T 94, 0xffffffff, 0x0123456789abcdef, 0xbbc41db8, crc32x w3, w1, x2
  T 95, 0x12345678, 0x0123456789abcdef, 0x9b62eadf, crc32x w3, w1, x2
  T 96, 0xffffffff, 0x12345678ab, 0x9640b233, crc32cb w3, w1, w2
  T 97, 0x12345678, 0x12345678ab, 0xc0912609, crc32cb w3, w1, w2
  T 98, 0xffffffff, 0x12345678abcd, 0xf1b4905e, crc32ch w3, w1, w2
  T 99, 0x12345678, 0x12345678abcd, 0xaae32043, crc32ch w3, w1, w2
  T 100, 0xffffffff, 0x87654321, 0x1b3bc99f, crc32cw w3, w1, w2
  T 101, 0x12345678, 0x87654321, 0x56d72b93, crc32cw w3, w1, w2
  T 102, 0xffffffff, 0x0123456789abcdef, 0x9a4f27dc, crc32cx w3, w1, x2
  T 103, 0x12345678, 0x0123456789abcdef, 0xa3d207be, crc32cx w3, w1, x2
  /* "123456789": init ~0, final ~: CRC-32 0xcbf43926, CRC-32C 0xe3069283,
     bytes (crc32b) and one crc32x + one crc32b */
  adr x5, check_str
  mov w3, #-1
  mov w4, #-1
1:
  ldrb w6, [x5], #1
  cbz w6, 2f
  crc32b w3, w3, w6
  crc32cb w4, w4, w6
  b 1b
2:
  mvn w3, w3
  mvn w4, w4
  CHECK_IMM 104, x3, 0xcbf43926
  CHECK_IMM 105, x4, 0xe3069283
  adr x5, check_str
  ldr x6, [x5]
  ldrb w7, [x5, #8]
  mov w3, #-1
  crc32x w3, w3, x6
  crc32b w3, w3, w7
  mvn w3, w3
  CHECK_IMM 106, x3, 0xcbf43926
  mov w4, #-1
  crc32cx w4, w4, x6
  crc32cb w4, w4, w7
  mvn w4, w4
  CHECK_IMM 107, x4, 0xe3069283

  PASS

  .balign 8
check_str:
  .asciz "123456789"
