/*
 * rv64i.S - every RV64I instruction.
 *
 * ALU register/immediate forms (incl. W forms and shifts by edge amounts),
 * lui/auipc, every branch taken and not taken with signed/unsigned edge
 * values, jal/jalr (incl. jalr clearing bit 0 and rd == rs1), loads and
 * stores of every width with sign/zero extension and +-2 KiB offsets,
 * writes to x0 being ignored, fence variants.
 *
 * The failing check number is reported through tohost (see test.h).
 * CHECK_IMM uses t6; a0 is only written on the failure path.
 */
#include "test.h"

/* rd = op(rs1, rs2) */
.macro TRR n, op, a, b, exp
  li a1, \a
  li a2, \b
  \op a3, a1, a2
  CHECK_IMM \n, a3, \exp
.endm
/* rd == rs1 */
.macro TRR1 n, op, a, b, exp
  li a1, \a
  li a2, \b
  \op a1, a1, a2
  CHECK_IMM \n, a1, \exp
.endm
/* rd == rs2 */
.macro TRR2 n, op, a, b, exp
  li a1, \a
  li a2, \b
  \op a2, a1, a2
  CHECK_IMM \n, a2, \exp
.endm
/* rd = op(rs1, imm) */
.macro TRI n, op, a, imm, exp
  li a1, \a
  \op a3, a1, \imm
  CHECK_IMM \n, a3, \exp
.endm
/* branch expected taken */
.macro TBT n, br, a, b
  li a1, \a
  li a2, \b
  \br a1, a2, .Ltk\@
  FAIL \n
.Ltk\@:
.endm
/* branch expected not taken */
.macro TBN n, br, a, b
  li a1, \a
  li a2, \b
  \br a1, a2, .Lbad\@
  j .Lok\@
.Lbad\@:
  FAIL \n
.Lok\@:
.endm

  .text
  .globl main
main:
  /* ---------------------------------------------------------- R-type */
  TRR 1, add, 1, 2, 3
  TRR 2, add, 0x7fffffffffffffff, 1, 0x8000000000000000
  TRR 3, add, -1, 1, 0
  TRR 4, add, 0x80000000, 0x80000000, 0x100000000
  TRR1 5, add, 5, -7, -2
  TRR2 6, add, 5, -7, -2
  TRR 7, sub, 3, 5, -2
  TRR 8, sub, 0x8000000000000000, 1, 0x7fffffffffffffff
  TRR 9, sub, 0, 0x8000000000000000, 0x8000000000000000
  TRR2 10, sub, 10, 3, 7
  TRR 11, sll, 1, 63, 0x8000000000000000
  TRR 12, sll, 1, 64, 1                        /* only rs2[5:0] used */
  TRR 13, sll, -1, 4, 0xfffffffffffffff0
  TRR 14, sll, 0x123, 0xffffffffffffffc1, 0x246 /* shamt 1 */
  TRR 15, sll, 0x1234, 0, 0x1234
  TRR 16, slt, -1, 0, 1
  TRR 17, slt, 0, -1, 0
  TRR 18, slt, 0x8000000000000000, 0x7fffffffffffffff, 1
  TRR 19, slt, 5, 5, 0
  TRR 20, sltu, -1, 0, 0
  TRR 21, sltu, 0, -1, 1
  TRR 22, sltu, 0x7fffffffffffffff, 0x8000000000000000, 1
  TRR 23, sltu, 5, 5, 0
  TRR 24, xor, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xf0f0f0f0f0f0f0f0
  TRR 25, or,  0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xfff0fff0fff0fff0
  TRR 26, and, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0x0f000f000f000f00
  TRR 27, srl, 0x8000000000000000, 63, 1
  TRR 28, srl, -1, 1, 0x7fffffffffffffff
  TRR 29, srl, -1, 64, -1                      /* shamt 0 */
  TRR 30, srl, 0x8000000000000000, 0xffffffffffffffff, 1 /* shamt 63 */
  TRR 31, sra, 0x8000000000000000, 63, -1
  TRR 32, sra, 0x8000000000000000, 1, 0xc000000000000000
  TRR 33, sra, 0x7fffffffffffffff, 62, 1
  TRR 34, sra, 0x8000000000000000, 0x40, 0x8000000000000000 /* shamt 0 */
  /* W forms: 32-bit operation, result sign-extended */
  TRR 35, addw, 0x7fffffff, 1, 0xffffffff80000000
  TRR 36, addw, 0xffffffff, 1, 0
  TRR 37, addw, 0x123456789, 0, 0x23456789
  TRR 38, addw, 0x80000000, 0, 0xffffffff80000000
  TRR 39, subw, 0, 1, -1
  TRR 40, subw, 0x80000000, 1, 0x7fffffff
  TRR 41, subw, 0x100000000, 0, 0
  TRR 42, sllw, 1, 31, 0xffffffff80000000
  TRR 43, sllw, 1, 32, 1                       /* only rs2[4:0] used */
  TRR 44, sllw, 3, 31, 0xffffffff80000000
  TRR 45, sllw, 0xffffffff00000001, 0, 1
  TRR 46, srlw, 0x80000000, 31, 1
  TRR 47, srlw, 0xffffffff80000000, 0, 0xffffffff80000000
  TRR 48, srlw, 0xffffffff80000000, 1, 0x40000000
  TRR 49, srlw, 0xf00000000, 4, 0
  TRR 50, srlw, -1, 32, -1                     /* shamt 0 */
  TRR 51, sraw, 0x80000000, 31, -1
  TRR 52, sraw, 0x80000000, 1, 0xffffffffc0000000
  TRR 53, sraw, 0x7fffffff, 30, 1
  TRR 54, sraw, 0x17fffffff, 0, 0x7fffffff
  TRR 55, sraw, 0x80000000, 0x3f, -1           /* shamt 31 */

  /* ---------------------------------------------------------- I-type */
  TRI 56, addi, 1, -1, 0
  TRI 57, addi, 0x7fffffffffffffff, 1, 0x8000000000000000
  TRI 58, addi, 0, -2048, -2048
  TRI 59, addi, 0, 2047, 2047
  TRI 60, slti, -1, 0, 1
  TRI 61, slti, 0, -1, 0
  TRI 62, slti, 0x8000000000000000, -2048, 1
  TRI 63, slti, 2047, 2047, 0
  TRI 64, sltiu, 0, -1, 1                      /* imm sign-extended, then unsigned */
  TRI 65, sltiu, -1, -1, 0
  TRI 66, sltiu, 0, 1, 1                       /* seqz */
  TRI 67, sltiu, 1, 1, 0
  TRI 68, xori, 0x00ff00ff, -1, 0xffffffffff00ff00
  TRI 69, xori, 0x00ff00ff, 0x0f0, 0x00ff000f
  TRI 70, ori, 0, -2048, 0xfffffffffffff800
  TRI 71, ori, 0x1000, 0x7ff, 0x17ff
  TRI 72, andi, -1, 0x7ff, 0x7ff
  TRI 73, andi, 0xff, -16, 0xf0
  TRI 74, slli, 1, 63, 0x8000000000000000
  TRI 75, slli, 0xff, 0, 0xff
  TRI 76, slli, 0x00000000ffffffff, 32, 0xffffffff00000000
  TRI 77, srli, -1, 63, 1
  TRI 78, srli, -1, 1, 0x7fffffffffffffff
  TRI 79, srli, 0x8000000000000000, 0, 0x8000000000000000
  TRI 80, srai, 0x8000000000000000, 63, -1
  TRI 81, srai, 0x8000000000000000, 0, 0x8000000000000000
  TRI 82, srai, 0x4000000000000000, 62, 1
  TRI 83, addiw, 0x7fffffff, 1, 0xffffffff80000000
  TRI 84, addiw, 0xffffffff, 0, -1              /* sext.w */
  TRI 85, addiw, 0x1234567800000000, 0, 0
  TRI 86, addiw, 0, -2048, -2048
  TRI 87, slliw, 1, 31, 0xffffffff80000000
  TRI 88, slliw, 0xffffffff, 0, -1
  TRI 89, slliw, 0x180000001, 1, 2
  TRI 90, srliw, 0x80000000, 31, 1
  TRI 91, srliw, 0xffffffff80000000, 0, 0xffffffff80000000
  TRI 92, srliw, -1, 1, 0x7fffffff
  TRI 93, sraiw, 0x80000000, 31, -1
  TRI 94, sraiw, 0x7fffffff, 0, 0x7fffffff
  TRI 95, sraiw, 0xffffffff7fffffff, 4, 0x07ffffff
  TRI 96, sraiw, 0x00000000f0000000, 4, 0xffffffffff000000

  /* --------------------------------------------------------- lui/auipc */
  lui a1, 0x80000
  CHECK_IMM 97, a1, 0xffffffff80000000
  lui a1, 0x7ffff
  CHECK_IMM 98, a1, 0x7ffff000
  lui a1, 0
  CHECK_IMM 99, a1, 0
.Lauipc0:
  auipc a1, 0
  la a2, .Lauipc0
  CHECK_REG 100, a1, a2
.Lauipc1:
  auipc a1, 1
  la a2, .Lauipc1 + 0x1000
  CHECK_REG 101, a1, a2
.Lauipc2:
  auipc a1, 0x80000                           /* pc - 0x80000000 */
  la a2, .Lauipc2
  li a3, 0x80000000
  sub a2, a2, a3
  CHECK_REG 102, a1, a2

  /* ---------------------------------------------------------- branches */
  TBT 103, beq, 0, 0
  TBT 104, beq, -1, -1
  TBN 105, beq, 0, 1
  TBN 106, beq, 0x8000000000000000, 0
  TBN 107, beq, 0x100000000, 0                  /* all 64 bits compared */
  TBT 108, bne, 0, 1
  TBT 109, bne, 0x100000000, 0
  TBN 110, bne, 5, 5
  TBN 111, bne, -1, -1
  TBT 112, blt, -1, 0
  TBT 113, blt, 0x8000000000000000, 0x7fffffffffffffff
  TBN 114, blt, 0, -1
  TBN 115, blt, 5, 5
  TBN 116, blt, 0x7fffffffffffffff, 0x8000000000000000
  TBT 117, bge, 0, -1
  TBT 118, bge, 5, 5
  TBT 119, bge, 0x7fffffffffffffff, 0x8000000000000000
  TBN 120, bge, -1, 0
  TBN 121, bge, 0x8000000000000000, 0x7fffffffffffffff
  TBT 122, bltu, 0, -1
  TBT 123, bltu, 0x7fffffffffffffff, 0x8000000000000000
  TBN 124, bltu, -1, 0
  TBN 125, bltu, 5, 5
  TBT 126, bgeu, -1, 0
  TBT 127, bgeu, 5, 5
  TBN 128, bgeu, 0, -1
  TBN 129, bgeu, 0x7fffffffffffffff, 0x8000000000000000
  /* backward taken branch: loop 10 times */
  li a1, 10
  li a2, 0
1:
  addi a2, a2, 1
  addi a1, a1, -1
  bnez a1, 1b
  CHECK_IMM 130, a2, 10

  /* ------------------------------------------------------------- jumps */
  jal a1, .Ljal1
.Ljal1r:
  FAIL 131
.Ljal1:
  la a2, .Ljal1r
  CHECK_REG 132, a1, a2
  /* jal backward */
  j .Ljal2b
.Ljal2a:
  la a2, .Ljal2r
  CHECK_REG 133, ra, a2
  j .Ljal2done
.Ljal2b:
  jal ra, .Ljal2a
.Ljal2r:
  FAIL 134
.Ljal2done:
  /* jalr */
  la a1, .Ljalr1
  jalr a2, 0(a1)
.Ljalr1r:
  FAIL 135
.Ljalr1:
  la a3, .Ljalr1r
  CHECK_REG 136, a2, a3
  /* jalr with positive and negative offsets */
  la a1, .Ljalr2 - 16
  jalr a2, 16(a1)
  FAIL 137
.Ljalr2:
  la a1, .Ljalr3 + 2000
  jalr a2, -2000(a1)
  FAIL 138
.Ljalr3:
  /* jalr clears bit 0 of the target (odd base) */
  la a1, .Ljalr4
  addi a1, a1, 1
  jalr a2, 0(a1)
  FAIL 139
  .align 2
.Ljalr4:
  /* ... and of the sum (odd offset) */
  la a1, .Ljalr5
  jalr a2, 1(a1)
  FAIL 140
  .align 2
.Ljalr5:
  /* rd == rs1: target computed from the old value */
  la a1, .Ljalr6
  jalr a1, 0(a1)
.Ljalr6r:
  FAIL 141
.Ljalr6:
  la a3, .Ljalr6r
  CHECK_REG 142, a1, a3
  /* jalr x0 (ret style) does not write */
  li a3, 0
  la a1, .Ljalr7
  jalr x0, 0(a1)
  FAIL 143
.Ljalr7:

  /* ------------------------------------------------------------- loads */
  la a1, ldata
  lb a3, 0(a1)
  CHECK_IMM 144, a3, 0xffffffffffffff80
  lb a3, 8(a1)
  CHECK_IMM 145, a3, 0x0f
  lb a3, 7(a1)
  CHECK_IMM 146, a3, 0xfffffffffffffff0
  lbu a3, 0(a1)
  CHECK_IMM 147, a3, 0x80
  lbu a3, 15(a1)
  CHECK_IMM 148, a3, 0x7f
  lh a3, 0(a1)
  CHECK_IMM 149, a3, 0xffffffffffff9080
  lh a3, 8(a1)
  CHECK_IMM 150, a3, 0x1f0f
  lh a3, 6(a1)
  CHECK_IMM 151, a3, 0xfffffffffffff0e0
  lhu a3, 0(a1)
  CHECK_IMM 152, a3, 0x9080
  lhu a3, 14(a1)
  CHECK_IMM 153, a3, 0x7f6f
  lw a3, 0(a1)
  CHECK_IMM 154, a3, 0xffffffffb0a09080
  lw a3, 8(a1)
  CHECK_IMM 155, a3, 0x3f2f1f0f
  lw a3, 4(a1)
  CHECK_IMM 156, a3, 0xfffffffff0e0d0c0
  lwu a3, 0(a1)
  CHECK_IMM 157, a3, 0xb0a09080
  lwu a3, 12(a1)
  CHECK_IMM 158, a3, 0x7f6f5f4f
  ld a3, 0(a1)
  CHECK_IMM 159, a3, 0xf0e0d0c0b0a09080
  ld a3, 8(a1)
  CHECK_IMM 160, a3, 0x7f6f5f4f3f2f1f0f
  /* negative offsets */
  addi a2, a1, 16
  lb a3, -16(a2)
  CHECK_IMM 161, a3, 0xffffffffffffff80
  lw a3, -12(a2)
  CHECK_IMM 162, a3, 0xfffffffff0e0d0c0
  ld a3, -8(a2)
  CHECK_IMM 163, a3, 0x7f6f5f4f3f2f1f0f
  /* +2047 / -2048 offsets */
  la a2, ldata_far
  lbu a3, 2047(a2)
  CHECK_IMM 164, a3, 0xa5
  addi a2, a2, 2047
  addi a2, a2, 2047
  addi a2, a2, 2                              /* a2 = ldata_far + 4096 */
  lbu a3, -2048(a2)
  CHECK_IMM 165, a3, 0x5a
  /* load to rd == rs1 */
  la a1, ldata
  ld a1, 0(a1)
  CHECK_IMM 166, a1, 0xf0e0d0c0b0a09080

  /* ------------------------------------------------------------ stores */
  la a1, sbuf
  li a2, -1
  sd a2, 0(a1)
  sd a2, 8(a1)
  sb zero, 0(a1)
  ld a3, 0(a1)
  CHECK_IMM 167, a3, 0xffffffffffffff00
  li a2, 0x1234
  sh a2, 2(a1)
  ld a3, 0(a1)
  CHECK_IMM 168, a3, 0xffffffff1234ff00
  li a2, 0x89abcdef
  sw a2, 4(a1)
  ld a3, 0(a1)
  CHECK_IMM 169, a3, 0x89abcdef1234ff00
  li a2, 0x7654321000000a5                    /* only low byte stored */
  sb a2, 1(a1)
  ld a3, 0(a1)
  CHECK_IMM 170, a3, 0x89abcdef1234a500
  li a2, 0xfedcba9876543210
  sh a2, 8(a1)
  sw a2, 12(a1)
  ld a3, 8(a1)
  CHECK_IMM 171, a3, 0x76543210ffff3210
  sd a2, 0(a1)
  ld a3, 0(a1)
  CHECK_IMM 172, a3, 0xfedcba9876543210
  /* negative store offset, then read back with lbu/lhu */
  addi a2, a1, 16
  li a3, 0xab
  sb a3, -16(a2)
  lbu a4, 0(a1)
  CHECK_IMM 173, a4, 0xab
  li a3, 0xcdef
  sh a3, -14(a2)
  lhu a4, 2(a1)
  CHECK_IMM 174, a4, 0xcdef

  /* --------------------------------------------------------------- x0 */
  addi x0, x0, 5
  mv a1, x0
  CHECK_IMM 175, a1, 0
  li a2, 7
  add x0, a2, a2
  add a1, x0, x0
  CHECK_IMM 176, a1, 0
  lui x0, 0x12345
  or a1, x0, x0
  CHECK_IMM 177, a1, 0
  la a2, ldata
  ld x0, 0(a2)                                /* load performed, result dropped */
  sltu a1, x0, a2                             /* a1 = (0 < a2) = 1 */
  CHECK_IMM 178, a1, 1
  jal x0, 1f
1:
  bnez x0, .Lx0bad
  auipc x0, 1
  bnez x0, .Lx0bad
  /* store of x0 stores zero */
  la a1, sbuf
  li a2, -1
  sd a2, 0(a1)
  sd x0, 0(a1)
  ld a3, 0(a1)
  CHECK_IMM 179, a3, 0
  j 2f
.Lx0bad:
  FAIL 180
2:

  /* ------------------------------------------------------------ fences */
  fence
  fence rw, rw
  fence iorw, iorw
  fence w, r
  fence.tso
  .word 0x0100000f                            /* pause (fence w,0 hint) */
  li a1, 42
  CHECK_IMM 181, a1, 42

  PASS

  .data
  .align 4
ldata:
  .dword 0xf0e0d0c0b0a09080
  .dword 0x7f6f5f4f3f2f1f0f
  .align 4
ldata_far:
  .fill 2047, 1, 0
  .byte 0xa5                                  /* ldata_far + 2047 */
  .byte 0x5a                                  /* ldata_far + 2048 */
  .fill 2047, 1, 0
  .align 4
sbuf:
  .fill 32, 1, 0
