/*
 * a64_branch.S - branches.
 *
 * B, BL (x30 = address of the next instruction), BR, BLR (incl. BLR x30:
 * the target is read before x30 is written), RET, RET Xn; B.cond for
 * every condition code over all 16 NZCV values (mask of taken/not taken,
 * as a64_cond); CBZ/CBNZ (X and W: a W test ignores the upper half);
 * TBZ/TBNZ on bits 0, 31, 32 and 63 (W form for bit 31); straight-line
 * execution across a 4 KiB page boundary, and B, CBZ, B.cond, TBNZ and BL
 * forward and backward across page boundaries (BL in the last word of a
 * page: x30 = the first word of the next page).
 *
 * CHECK_IMM uses x16.  The page-crossing code sits in padding filled
 * with zeros (UDF), so a wrong target ends in an unexpected exception.
 */
#include "test.h"

/* \reg = absolute address of \sym */
.macro ADDR reg, sym
  movz \reg, #:abs_g3:\sym
  movk \reg, #:abs_g2_nc:\sym
  movk \reg, #:abs_g1_nc:\sym
  movk \reg, #:abs_g0_nc:\sym
.endm

/* B.\c taken for the NZCV values in \m (bit i = NZCV i << 28) */
.macro BMASK n, c, m
  mov x5, #0
  mov x6, #16
.Lloop\@:
  sub x6, x6, #1
  lsl x7, x6, #28
  msr nzcv, x7
  mov x3, #1
  b.\c .Ltaken\@
  mov x3, #0
.Ltaken\@:
  lsl x3, x3, x6
  orr x5, x5, x3
  cbnz x6, .Lloop\@
  CHECK_IMM \n, x5, \m
.endm

/* \insn (a branch to its last operand, given as the label) taken */
.macro TAKEN n, insn:vararg
  \insn, .Lt\@
  FAIL \n
.Lt\@:
.endm

/* \insn not taken */
.macro NOT_TAKEN n, insn:vararg
  \insn, .Lbad\@
  b .Lok\@
.Lbad\@:
  FAIL \n
.Lok\@:
.endm

  .text
  .globl main
main:
  mov x20, x30                     /* main's return address */

  /* ----------------------------------------------------- B, BL, RET */
  mov x9, #0
  b 2f
1:
  add x9, x9, #1                   /* backward target */
  b 3f
2:
  add x9, x9, #2
  b 1b
3:
  CHECK_IMM 1, x9, 3
  bl sub_x30                       /* x9 = x30 on entry */
bl_ret:
  ADDR x4, bl_ret
  CHECK_REG 2, x9, x4
  /* BR: no link */
  MOV64 x30, 0x1234
  adr x5, br_target
  br x5
  FAIL 3
br_target:
  CHECK_IMM 4, x30, 0x1234
  /* BLR Xn */
  adr x5, sub_x30
  blr x5
blr_ret:
  ADDR x4, blr_ret
  CHECK_REG 5, x9, x4
  /* BLR x30: branches to the old x30, links the new one */
  adr x30, sub_x30
  blr x30
blr30_ret:
  ADDR x4, blr30_ret
  CHECK_REG 6, x9, x4
  CHECK_REG 7, x30, x4
  /* RET Xn */
  adr x5, ret_target
  MOV64 x30, 0x5678
  ret x5
  FAIL 8
ret_target:
  CHECK_IMM 9, x30, 0x5678

  /* ------------------------------------------ B.cond, every condition */
  BMASK 10, eq, 0xf0f0
  BMASK 11, ne, 0x0f0f
  BMASK 12, cs, 0xcccc
  BMASK 13, cc, 0x3333
  BMASK 14, mi, 0xff00
  BMASK 15, pl, 0x00ff
  BMASK 16, vs, 0xaaaa
  BMASK 17, vc, 0x5555
  BMASK 18, hi, 0x0c0c
  BMASK 19, ls, 0xf3f3
  BMASK 20, ge, 0xaa55
  BMASK 21, lt, 0x55aa
  BMASK 22, gt, 0x0a05
  BMASK 23, le, 0xf5fa
  BMASK 24, al, 0xffff
  BMASK 25, nv, 0xffff

  /* ----------------------------------------------------- CBZ, CBNZ */
  mov x1, #0
  TAKEN 26, cbz x1
  NOT_TAKEN 27, cbnz x1
  TAKEN 28, cbz w1
  MOV64 x1, 0xffffffff00000000
  TAKEN 29, cbz w1
  NOT_TAKEN 30, cbnz w1
  NOT_TAKEN 31, cbz x1
  TAKEN 32, cbnz x1
  MOV64 x1, 0x0000000080000000
  TAKEN 33, cbnz w1
  NOT_TAKEN 34, cbz w1
  MOV64 x1, 0x8000000000000000
  TAKEN 35, cbnz x1

  /* ----------------------------------------------------- TBZ, TBNZ */
  MOV64 x1, 0x8000000180000001     /* bits 63, 32, 31, 0 */
  TAKEN 36, tbnz x1, #0
  TAKEN 37, tbnz w1, #31
  TAKEN 38, tbnz x1, #32
  TAKEN 39, tbnz x1, #63
  NOT_TAKEN 40, tbz x1, #0
  NOT_TAKEN 41, tbz w1, #31
  NOT_TAKEN 42, tbz x1, #32
  NOT_TAKEN 43, tbz x1, #63
  mvn x1, x1                       /* the same bits clear */
  TAKEN 44, tbz x1, #0
  TAKEN 45, tbz w1, #31
  TAKEN 46, tbz x1, #32
  TAKEN 47, tbz x1, #63
  NOT_TAKEN 48, tbnz x1, #0
  NOT_TAKEN 49, tbnz w1, #31
  NOT_TAKEN 50, tbnz x1, #32
  NOT_TAKEN 51, tbnz x1, #63
  TAKEN 52, tbnz x1, #1
  TAKEN 53, tbnz x1, #62

  /* ------------------------------------------- across page boundaries */
  mov x9, #0
  b pg0_seq
pages_done:
  CHECK_IMM 54, x9, 0x7f
  ADDR x4, pg2
  CHECK_REG 55, x10, x4

  mov x30, x20
  mov w0, #0
  ret

sub_x30:
  mov x9, x30
  ret

/*
 * Page-crossing code: pg0..pg2 are three consecutive 4 KiB pages.  Path:
 * pg0+0xff4 .. pg1+0 straight line, B back to pg0+0xfe0, B forward to
 * pg1+0x10, CBZ forward to pg2_cond, B.EQ back to pg1+0xffc (a BL in the
 * last word of pg1 whose x30 is pg2+0), TBNZ back to pg1+0x20, B home.
 * x9 collects one bit per step.
 */
  .balign 4096
pg0:
  .org pg0 + 0xfe0
pg0_back:                          /* pg0 + 0xfe0 */
  orr x9, x9, #0x10
  b pg1_fwd
  .org pg0 + 0xff4
pg0_seq:                           /* pg0 + 0xff4 */
  orr x9, x9, #0x1
  orr x9, x9, #0x2
  orr x9, x9, #0x4                 /* last word of pg0 */
pg1:
  orr x9, x9, #0x8                 /* first word of pg1 */
  b pg0_back
  .org pg1 + 0x10
pg1_fwd:
  orr x9, x9, #0x20
  cbz xzr, pg2_cond
  .org pg1 + 0x20
pg1_tb:
  orr x9, x9, #0x40
  b pages_done
  .org pg1 + 0xffc
pg1_bl:
  bl pg_sub                        /* last word of pg1 */
pg2:
  tbnz x9, #6, pg2_bad             /* not yet */
  tbnz x9, #5, pg1_tb
pg2_bad:
  FAIL 56
pg2_cond:
  cmp x9, x9
  b.eq pg1_bl
  FAIL 57
pg_sub:
  mov x10, x30
  ret
