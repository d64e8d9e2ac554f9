/*
 * a64_cond.S - conditional select and conditional compare.
 *
 * Every condition code (EQ NE CS CC MI PL VS VC HI LS GE LT GT LE AL NV)
 * is evaluated for all 16 NZCV values (written with msr nzcv) by CSEL,
 * CSINC, CSINV, CSNEG, CCMP (register), CCMN (immediate) and, except for
 * AL/NV, the CSET, CSETM and CINC aliases: each instruction's outcomes
 * form a 16-bit mask (bit i = outcome for NZCV = i << 28) that is
 * compared with the architectural one.  COND n covers checks n..n+8.
 * Then the values: CSINC/CSINV/CSNEG/CINC/CINV/CNEG/CSETM results incl.
 * W forms, and the whole NZCV after CCMP/CCMN (register and immediate,
 * condition true and false, W forms, overflow).
 *
 * CHECK_IMM uses x16.
 */
#include "test.h"

/*
 * x5 = mask of "insn made x3 == 1" over NZCV = 15..0; \insn may use
 * x1 = 1, x2 = -2, x4 = -1 and must leave 0 or 1 in x3.
 */
.macro MASK n, mask, insn:vararg
  mov x1, #1
  mov x2, #-2
  mov x4, #-1
  mov x5, #0
  mov x6, #16
.Lloop\@:
  sub x6, x6, #1
  lsl x7, x6, #28
  msr nzcv, x7
  \insn
  lsl x3, x3, x6
  orr x5, x5, x3
  cbnz x6, .Lloop\@
  CHECK_IMM \n, x5, \mask
.endm

/* two-instruction probes for MASK: x3 = 0 or 1 */
.macro CCMP_Z c                    /* Z after ccmp 1, -2 (Z=0) or #0b0100 */
  ccmp x1, x2, #0b0100, \c
  mrs x3, nzcv
  ubfx x3, x3, #30, #1
.endm
.macro CCMN_Z c                    /* Z after ccmn -1, #1 (Z=1) or #0 */
  ccmn x4, #1, #0, \c
  mrs x3, nzcv
  ubfx x3, x3, #30, #1
.endm
.macro CSETM_1 c
  csetm x3, \c
  and x3, x3, #1
.endm
.macro CINC_0 c
  mov x3, xzr
  cinc x3, x3, \c
.endm

/* checks n..n+5 (n+6..n+8 too if \alias): condition \c has mask \m */
.macro COND n, c, m, alias=1
  MASK \n, \m, csel x3, x1, xzr, \c
  MASK \n+1, (~\m) & 0xffff, csinc x3, xzr, xzr, \c
  MASK \n+2, (~\m) & 0xffff, csinv x3, xzr, x2, \c       /* ~-2 = 1 */
  MASK \n+3, \m, csneg x3, x1, xzr, \c
  MASK \n+4, (~\m) & 0xffff, CCMP_Z \c
  MASK \n+5, \m, CCMN_Z \c
  .if \alias
  MASK \n+6, \m, cset x3, \c
  MASK \n+7, \m, CSETM_1 \c
  MASK \n+8, \m, CINC_0 \c
  .endif
.endm

/* x3 = insn with x1 = a, x2 = b and NZCV = fin; check x3 */
.macro T n, a, b, fin, exp, insn:vararg
  MOV64 x1, \a
  MOV64 x2, \b
  MOV64 x3, 0xdeadbeefdeadbeef
  MOV64 x4, \fin
  msr nzcv, x4
  \insn
  CHECK_IMM \n, x3, \exp
.endm

/* NZCV = fin; insn; check NZCV == f */
.macro TF n, a, b, fin, f, insn:vararg
  MOV64 x1, \a
  MOV64 x2, \b
  MOV64 x4, \fin
  msr nzcv, x4
  \insn
  mrs x4, nzcv
  CHECK_IMM \n, x4, \f
.endm

#define N_ 0x80000000
#define Z_ 0x40000000
#define C_ 0x20000000
#define V_ 0x10000000

  .text
  .globl main
main:
  /* ------------------------------------------ every condition code */
  COND 1, eq, 0xf0f0
  COND 11, ne, 0x0f0f
  COND 21, cs, 0xcccc
  COND 31, cc, 0x3333
  COND 41, mi, 0xff00
  COND 51, pl, 0x00ff
  COND 61, vs, 0xaaaa
  COND 71, vc, 0x5555
  COND 81, hi, 0x0c0c
  COND 91, ls, 0xf3f3
  COND 101, ge, 0xaa55
  COND 111, lt, 0x55aa
  COND 121, gt, 0x0a05
  COND 131, le, 0xf5fa
  COND 141, al, 0xffff, 0
  COND 151, nv, 0xffff, 0

  /* ------------------------------------------------ selected values */
  T 161, 0x1111, 0x2222, Z_, 0x1111, csel x3, x1, x2, eq
  T 162, 0x1111, 0x2222, 0, 0x2222, csel x3, x1, x2, eq
  T 163, 0xffffffff00001111, 0x2222, Z_, 0x1111, csel w3, w1, w2, eq
  T 164, 0x1111, -1, Z_, 0, csinc x3, x1, x2, ne
  T 165, 0x1111, 0x7fffffffffffffff, 0, 0x8000000000000000, csinc x3, x1, x2, eq
  T 166, 0x1111, 0xffffffff, 0, 0, csinc w3, w1, w2, eq
  T 167, 0x1111, 0x0f0f, 0, 0xfffffffffffff0f0, csinv x3, x1, x2, eq
  T 168, 0x1111, 0x0f0f, 0, 0xfffff0f0, csinv w3, w1, w2, eq
  T 169, 0x1111, 5, 0, -5, csneg x3, x1, x2, eq
  T 170, 0x1111, 0x8000000000000000, 0, 0x8000000000000000, csneg x3, x1, x2, eq
  T 171, 0x1111, 5, 0, 0xfffffffb, csneg w3, w1, w2, eq
  T 172, 0x1111, 5, Z_, 0x1111, csneg x3, x1, x2, eq
  T 173, -1, 0, C_, 0, cinc x3, x1, cs
  T 174, -1, 0, 0, -1, cinc x3, x1, cs
  T 175, 0xffffffffffffffff, 0, C_, 0, cinc w3, w1, cs
  T 176, 0x0f, 0, N_, 0xfffffffffffffff0, cinv x3, x1, mi
  T 177, 0x0f, 0, N_, 0xfffffff0, cinv w3, w1, mi
  T 178, 7, 0, V_, -7, cneg x3, x1, vs
  T 179, 7, 0, 0, 7, cneg x3, x1, vs
  T 180, 0, 0, Z_, 0xffffffff, csetm w3, eq
  T 181, 0, 0, Z_, -1, csetm x3, eq
  T 182, 0, 0, 0, 1, cset w3, ne

  /* ---------------------------------------------- CCMP/CCMN flags */
  TF 183, 5, 5, Z_, Z_|C_, ccmp x1, x2, #0b1010, eq
  TF 184, 5, 5, 0, N_|C_, ccmp x1, x2, #0b1010, eq
  TF 185, 1, 2, C_|V_, N_, ccmp x1, x2, #0, hs
  TF 186, 0x8000000000000000, 1, Z_, C_|V_, ccmp x1, x2, #0, eq
  TF 187, 31, 0, N_, Z_|C_, ccmp x1, #31, #0b1111, mi
  TF 188, 31, 0, 0, N_|Z_|C_|V_, ccmp x1, #31, #0b1111, mi
  TF 189, 0x100000000, 0x200000000, Z_, Z_|C_, ccmp w1, w2, #0, eq
  TF 190, 0x80000000, 0, N_|V_, C_|V_, ccmp w1, #0x1f, #0b0001, ge
  TF 191, 0x7fffffff, 1, 0, N_|V_, ccmn w1, w2, #0, al
  TF 192, -5, 0, 0, Z_|C_, ccmn x1, #5, #0, nv
  TF 193, -1, 1, Z_, Z_|C_, ccmn x1, x2, #0b1000, eq
  TF 194, -1, 1, 0, N_, ccmn x1, x2, #0b1000, eq
  TF 195, 0xffffffff, 0, 0, Z_|C_, ccmn w1, #1, #0, vc
  TF 196, 0x8000000000000000, 0x8000000000000000, N_, Z_|C_|V_, ccmn x1, x2, #0, mi

  PASS
