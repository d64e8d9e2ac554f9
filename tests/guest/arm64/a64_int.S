/*
 * a64_int.S - integer data processing: add/sub, flags, carry, logical,
 * moves, PC-relative addresses, register 31.
 *
 * ADD/SUB immediate (incl. LSL #12), shifted register (LSL/LSR/ASR, edge
 * amounts), extended register (UXTB..SXTX, shift 0-4); W forms zero the
 * upper half.  ADDS/SUBS/CMP/CMN/TST/ANDS/BICS: the whole NZCV (mrs) on
 * signed and unsigned overflow edges, flags set before to the opposite.
 * ADC/ADCS/SBC/SBCS/NGC/NGCS with C = 0 and 1.  Logical immediates with
 * element sizes 2..64 (N bit, rotations, W forms), AND/ORR/EOR/BIC/ORN/
 * EON/ANDS/BICS shifted register incl. ROR.  MOVZ/MOVN/MOVK with every hw
 * shift and W forms.  ADR/ADRP forward and backward.  Register 31: SP in
 * ADD/SUB (immediate, extended) and ORR immediate Rd, XZR in shifted
 * register forms, ADDS/SUBS Rd and logical Rn; writes to XZR ignored.
 *
 * Operands go in x1/x2, results in x3 (poisoned before), NZCV in x4.
 * CHECK_IMM uses x16 and keeps NZCV (test.h).
 */
#include "test.h"

#define P 0xdeadbeefdeadbeef

/* x3 = insn with x1 = a, x2 = b; check x3 */
.macro T n, a, b, exp, insn:vararg
  MOV64 x1, \a
  MOV64 x2, \b
  MOV64 x3, P
  \insn
  CHECK_IMM \n, x3, \exp
.endm

/* as T with NZCV = fin before; check x3 and NZCV == f after */
.macro TF n, a, b, exp, fin, f, insn:vararg
  MOV64 x1, \a
  MOV64 x2, \b
  MOV64 x3, P
  MOV64 x4, \fin
  msr nzcv, x4
  \insn
  mrs x4, nzcv
  CHECK_IMM \n, x3, \exp
  CHECK_IMM \n, x4, \f
.endm

/* \reg = absolute address of \sym */
.macro ADDR reg, sym
  movz \reg, #:abs_g3:\sym
  movk \reg, #:abs_g2_nc:\sym
  movk \reg, #:abs_g1_nc:\sym
  movk \reg, #:abs_g0_nc:\sym
.endm

#define N_ 0x80000000
#define Z_ 0x40000000
#define C_ 0x20000000
#define V_ 0x10000000
#define ALL 0xf0000000

  .text
  .globl main
main:
  mov x20, sp                      /* restored before every SP check */

  /* ------------------------------------------------- ADD/SUB immediate */
  T 1, 1, 0, 0x1000, add x3, x1, #0xfff
  T 2, 1, 0, 0xfff001, add x3, x1, #0xfff, lsl #12
  T 3, 0, 0, 0xfffffffffffff000, sub x3, x1, #1, lsl #12
  T 4, -1, 0, 0, add w3, w1, #1
  T 5, 0x123456789abcdef0, 0, 0x9abcdef0, add w3, w1, #0
  T 6, 0, 0, 0xffffffff, sub w3, w1, #1
  T 7, 0x7fffffffffffffff, 0, 0x8000000000000000, add x3, x1, #1
  /* SP as Rn and Rd */
  MOV64 x1, 0x41000
  mov sp, x1                       /* add sp, x1, #0 */
  add x3, sp, #0x10
  sub sp, sp, #0x1, lsl #12
  mov x4, sp
  mov sp, x20
  CHECK_IMM 8, x3, 0x41010
  CHECK_IMM 9, x4, 0x40000

  /* ----------------------------------------- ADD/SUB shifted register */
  T 10, 5, 1, 0x8000000000000005, add x3, x1, x2, lsl #63
  T 11, 5, 0x8000000000000000, 6, add x3, x1, x2, lsr #63
  T 12, 5, 0x8000000000000000, 4, add x3, x1, x2, asr #63
  T 13, 0, 0x8000000000000000, 0xc000000000000000, add x3, x1, x2, asr #1
  T 14, 0, 0x8000000000000000, 0x4000000000000000, add x3, x1, x2, lsr #1
  T 15, 10, 3, 7, sub x3, x1, x2, lsl #0
  T 16, 0, 0x123, 0xfffffffffffff6e8, sub x3, x1, x2, lsl #3
  T 17, 0xffffffff00000001, 1, 0x80000001, add w3, w1, w2, lsl #31
  T 18, 0, 0x80000000, 0xffffffff, add w3, w1, w2, asr #31
  T 19, 0, 0x80000000, 0xffffffff, sub w3, w1, w2, lsr #31
  T 20, 7, 0xffffffff00000004, 5, sub w3, w1, w2, asr #1

  /* ----------------------------------------- ADD/SUB extended register */
  T 21, 1, 0x1ff, 0x100, add x3, x1, w2, uxtb
  T 22, 0, 0x12345, 0x468a, add x3, x1, w2, uxth #1
  T 23, 0, 0xffffffff80000001, 0x200000004, add x3, x1, w2, uxtw #2
  T 24, 1, 1, 9, add x3, x1, x2, uxtx #3
  T 25, 0, 0x80, 0xfffffffffffff800, add x3, x1, w2, sxtb #4
  T 26, 0, 0x18000, 0xffffffffffff8000, add x3, x1, w2, sxth
  T 27, 0, 0x80000000, 0xffffffff00000000, add x3, x1, w2, sxtw #1
  T 28, 0, -1, 0xfffffffffffffffc, add x3, x1, x2, sxtx #2
  T 29, 0, 0xff, 1, sub x3, x1, w2, sxtb
  T 30, 0xffffffff, 1, 3, add w3, w1, w2, uxtb #2
  T 31, 0, 0x8000, 0xffff8000, add w3, w1, w2, sxth
  T 32, 0x10, 0x7f, 0xfffffffffffff820, sub x3, x1, w2, uxtb #4
  /* extended form: Rn = 31 is SP; shifted form: Rn = 31 is XZR */
  MOV64 x1, 0x41000
  mov sp, x1
  MOV64 x2, 5
  add x3, sp, x2                   /* extended (UXTX): SP + 5 */
  add x4, xzr, x2                  /* shifted: 0 + 5 */
  add x5, sp, w2, uxtw #4          /* SP + 0x50 */
  sub sp, sp, x2, uxtx #1          /* SP = 0x41000 - 10 */
  mov x6, sp
  add sp, x20, #0
  CHECK_IMM 33, x3, 0x41005
  CHECK_IMM 34, x4, 5
  CHECK_IMM 35, x5, 0x41050
  CHECK_IMM 36, x6, 0x40ff6

  /* ------------------------------------------- ADDS/SUBS and the NZCV */
  TF 37, 1, -1, 0, ALL, Z_|C_, adds x3, x1, x2
  TF 38, 0x7fffffffffffffff, 1, 0x8000000000000000, Z_|C_, N_|V_, adds x3, x1, x2
  TF 39, 0x8000000000000000, 0x8000000000000000, 0, N_, Z_|C_|V_, adds x3, x1, x2
  TF 40, -1, -1, -2, Z_|V_, N_|C_, adds x3, x1, x2
  TF 41, 1, 2, 3, ALL, 0, adds x3, x1, x2
  TF 42, 5, 5, 0, N_|V_, Z_|C_, subs x3, x1, x2
  TF 43, 3, 5, -2, Z_|C_|V_, N_, subs x3, x1, x2
  TF 44, 5, 3, 2, N_|Z_|V_, C_, subs x3, x1, x2
  TF 45, 0x8000000000000000, 1, 0x7fffffffffffffff, N_|Z_, C_|V_, subs x3, x1, x2
  TF 46, 0x7fffffffffffffff, -1, 0x8000000000000000, Z_|C_, N_|V_, subs x3, x1, x2
  TF 47, 0, 0, 0, N_|V_, Z_|C_, subs x3, x1, x2
  TF 48, 0x123456787fffffff, 1, 0x80000000, Z_|C_, N_|V_, adds w3, w1, w2
  TF 49, 0x12345678ffffffff, 1, 0, N_|V_, Z_|C_, adds w3, w1, w2
  TF 50, 0x80000000, 1, 0x7fffffff, N_|Z_, C_|V_, subs w3, w1, w2
  TF 51, 0xffffffff00000000, 0, 0, N_|C_|V_, Z_|C_, subs w3, w1, w2
  TF 52, 1, 2, P, ALL, N_, cmp x1, x2
  TF 53, -1, 0, P, N_|V_, Z_|C_, cmn x1, #1
  TF 54, 0xfff000, 0, P, N_|V_, Z_|C_, cmp w1, #0xfff, lsl #12
  TF 55, 0, 1, P, 0, N_|V_, cmp x1, x2, lsl #63
  TF 56, 0x80, 0x80, P, ALL, Z_|C_, cmp x1, w2, uxtb
  TF 57, -2, 1, -1, Z_|C_|V_, N_, adds x3, x1, #1
  TF 58, 0, 0, 0xfffffffffffff001, 0, N_, subs x3, x1, #0xfff
  TF 59, 0x7fffffff, 0, 0x80000000, 0, N_|V_, adds w3, w1, #1
  /* ADDS/SUBS Rd = 31 is XZR (SP unchanged), Rn = 31 in extended form SP */
  MOV64 x1, 0x41000
  mov sp, x1
  msr nzcv, xzr
  cmp sp, #0x41, lsl #12           /* subs xzr, sp, #0x41000 */
  mrs x4, nzcv
  MOV64 x2, 0x41000
  cmn sp, x2                       /* adds xzr, sp, x2 (extended) */
  mrs x5, nzcv
  adds x3, sp, #0x10
  mov x6, sp
  mov sp, x20
  CHECK_IMM 60, x4, Z_|C_
  CHECK_IMM 61, x5, 0
  CHECK_IMM 62, x3, 0x41010
  CHECK_IMM 63, x6, 0x41000

  /* ------------------------------------------------------ ADC and SBC */
  TF 64, 1, 2, 4, C_, C_, adc x3, x1, x2
  TF 65, 1, 2, 3, ALL & ~C_, ALL & ~C_, adc x3, x1, x2
  TF 66, -1, 0, 0, C_, Z_|C_, adcs x3, x1, x2
  TF 67, 0x7fffffffffffffff, 0, 0x8000000000000000, C_, N_|V_, adcs x3, x1, x2
  TF 68, -1, -1, -1, C_, N_|C_, adcs x3, x1, x2
  TF 69, 1, 1, 2, Z_|V_, 0, adcs x3, x1, x2
  TF 70, 5, 3, 2, C_, C_, sbc x3, x1, x2
  TF 71, 5, 3, 1, 0, 0, sbc x3, x1, x2
  TF 72, 0, 0, -1, Z_|V_, N_, sbcs x3, x1, x2
  TF 73, 5, 5, 0, C_, Z_|C_, sbcs x3, x1, x2
  TF 74, 0x8000000000000000, 0, 0x7fffffffffffffff, 0, C_|V_, sbcs x3, x1, x2
  TF 75, 0, 5, -6, 0, 0, ngc x3, x2
  TF 76, 0, 5, -5, C_, C_, ngc x3, x2
  TF 77, 0, 0, 0, C_, Z_|C_, ngcs x3, x2
  TF 78, 0, 0, -1, 0, N_, ngcs x3, x2
  TF 79, 0xffffffff, 0, 0, C_, C_, adc w3, w1, w2
  TF 80, 0xffffffff, 0xffffffff, 0xffffffff, C_, N_|C_, adcs w3, w1, w2
  TF 81, 0x7fffffff, 0, 0x80000000, C_, N_|V_, adcs w3, w1, w2
  TF 82, 0, 1, 0xfffffffe, 0, N_, sbcs w3, w1, w2
  TF 83, 0x80000000, 0, 0x7fffffff, 0, C_|V_, sbcs w3, w1, w2

  /* ------------------------------------------------ logical immediate */
  T 84, -1, 0, 0x5555555555555555, and x3, x1, #0x5555555555555555
  T 85, 0, 0, 0x1111111111111111, orr x3, x1, #0x1111111111111111
  T 86, 0xff, 0, 0x0f0f0f0f0f0f0ff0, eor x3, x1, #0x0f0f0f0f0f0f0f0f
  T 87, -1, 0, 0x00ff00ff00ff00ff, and x3, x1, #0x00ff00ff00ff00ff
  T 88, 0x100, 0, 0x0000ffff0000ffff, orr x3, x1, #0x0000ffff0000ffff
  T 89, -1, 0, 0xf00000000000000f, and x3, x1, #0xf00000000000000f
  T 90, -1, 0, 0x7fffffffffffffff, and x3, x1, #0x7fffffffffffffff
  T 91, 0, 0, 0xfffffffffffffffe, eor x3, x1, #0xfffffffffffffffe
  T 92, 0, 0, 0x6666666666666666, orr x3, x1, #0x6666666666666666
  T 93, -1, 0, 0x0000000000ffff00, and x3, x1, #0x0000000000ffff00
  T 94, 0xffffffff00000000, 0, 0x80000001, orr w3, w1, #0x80000001
  T 95, 0xffffffff00000000, 0, 0xaaaaaaaa, eor w3, w1, #0xaaaaaaaa
  T 96, -1, 0, 0xffff, and w3, w1, #0xffff
  T 97, -1, 0, 0x0ff00ff0, and w3, w1, #0x0ff00ff0
  TF 98, 0x8000000000000001, 0, 0x8000000000000000, ALL, N_, ands x3, x1, #0x8000000000000000
  TF 99, 1, 0, 0, N_|C_|V_, Z_, ands x3, x1, #0xfffffffffffffffe
  TF 100, 0x80000000, 0, P, Z_|C_|V_, N_, tst w1, #0x80000000
  TF 101, 0x100000000, 0, 0, N_|C_|V_, Z_, ands w3, w1, #0x7fffffff
  /* ORR immediate: Rd = 31 is SP, Rn = 31 is XZR */
  orr sp, xzr, #0x3f000
  mov x3, sp
  mov sp, x20
  CHECK_IMM 102, x3, 0x3f000
  MOV64 x3, P
  orr x3, xzr, #0xff
  CHECK_IMM 103, x3, 0xff

  /* ------------------------------------- logical shifted register */
  T 104, -1, 0xf, 0xf000000000000000, and x3, x1, x2, ror #4
  T 105, 2, 1, 0x8000000000000002, orr x3, x1, x2, lsl #63
  T 106, 0xff, 0x123456789abcdef0, 0x12345687, eor x3, x1, x2, lsr #32
  T 107, 0xff, 0x8000000000000000, 0, bic x3, x1, x2, asr #63
  T 108, 0xff, 0x4000000000000000, 0xff, bic x3, x1, x2, asr #63
  T 109, 0x10, 0xff, 0xffffffffffffff10, orn x3, x1, x2
  T 110, 0, 1, 0xfffffffffffffffd, eon x3, x1, x2, ror #63
  T 111, 0xf0f0, 0x0ff0, 0xf000, bic x3, x1, x2, lsl #0
  T 112, -1, 1, 2, and w3, w1, w2, ror #31
  T 113, -1, 0x12345678, 0xedcba987, orn w3, wzr, w2
  T 114, 0, 0x80000000, 0xffffffff, eor w3, w1, w2, asr #31
  T 115, 0, 0x123456789, 0x123456789, mov x3, x2
  T 116, 0, 0x123456789, 0x23456789, mov w3, w2
  T 117, 1, 2, 0, orr x3, xzr, xzr
  T 118, 0xff00, 0x0ff0, 0xffff0f0f, eon w3, w1, w2
  T 119, 0xffffffff, 0xf, 0xfffffff0, bic w3, w1, w2, lsr #0
  TF 120, 0xf0, 0xf0, 0, C_|V_, Z_, bics x3, x1, x2
  TF 121, 0xf0, 0x0f, 0xf0, ALL, 0, bics x3, x1, x2
  TF 122, -1, 1, 0x8000000000000000, Z_|C_|V_, N_, ands x3, x1, x2, ror #1
  TF 123, 0x80000000, 0x80000000, P, Z_|C_|V_, N_, tst w1, w2
  TF 124, -1, 0x80000000, 0, N_|C_|V_, Z_, bics w3, w1, w2, asr #31

  /* ------------------------------------------------ MOVZ/MOVN/MOVK */
  T 125, 0, 0, 0x1234, movz x3, #0x1234
  T 126, 0, 0, 0x12340000, movz x3, #0x1234, lsl #16
  T 127, 0, 0, 0x123400000000, movz x3, #0x1234, lsl #32
  T 128, 0, 0, 0x1234000000000000, movz x3, #0x1234, lsl #48
  T 129, 0, 0, 0xffffffffffffedcb, movn x3, #0x1234
  T 130, 0, 0, 0xffffffffedcbffff, movn x3, #0x1234, lsl #16
  T 131, 0, 0, 0xffffedcbffffffff, movn x3, #0x1234, lsl #32
  T 132, 0, 0, 0xedcbffffffffffff, movn x3, #0x1234, lsl #48
  T 133, 0, 0, 0, movz x3, #0
  T 134, 0, 0, -1, movn x3, #0
  T 135, 0, 0, 0xffffedcb, movn w3, #0x1234
  T 136, 0, 0, 0xedcbffff, movn w3, #0x1234, lsl #16
  T 137, 0, 0, 0xffff0000, movz w3, #0xffff, lsl #16
  T 138, 0, 0, 0xdeadbeefdead1234, movk x3, #0x1234
  T 139, 0, 0, 0xdeadbeef1234beef, movk x3, #0x1234, lsl #16
  T 140, 0, 0, 0xdead1234deadbeef, movk x3, #0x1234, lsl #32
  T 141, 0, 0, 0x1234beefdeadbeef, movk x3, #0x1234, lsl #48
  T 142, 0, 0, 0x1234beef, movk w3, #0x1234, lsl #16
  T 143, 0, 0, 0xdead5678, movk w3, #0x5678

  /* --------------------------------------------------------- ADR/ADRP */
  ADDR x4, adr_fwd
  adr x3, adr_fwd
  CHECK_REG 144, x3, x4
  ADDR x4, main
  adr x3, main
  CHECK_REG 145, x3, x4
  ADDR x4, adr_here
adr_here:
  adr x3, adr_here
  CHECK_REG 146, x3, x4
  ADDR x4, far_data
  and x4, x4, #0xfffffffffffff000
  adrp x3, far_data
  CHECK_REG 147, x3, x4
  ADDR x4, main
  and x4, x4, #0xfffffffffffff000
  adrp x3, main
  CHECK_REG 148, x3, x4
  adr x3, far_data
  add x5, x3, #1
  ADDR x4, far_data + 1
  CHECK_REG 149, x5, x4

  /* --------------------------------------------- writes to XZR ignored */
  MOV64 x1, 0x41000
  mov sp, x1
  MOV64 x2, 0x123
  add xzr, x1, x2                  /* shifted form: Rd = XZR, not SP */
  movz xzr, #0x55
  orr xzr, x1, x2
  sub xzr, x1, x2, lsl #1
  mov x6, sp
  mov sp, x20
  CHECK_IMM 150, x6, 0x41000
  mov x3, xzr
  CHECK_IMM 151, x3, 0
  T 152, 0x55, 0, 0x55, add x3, x1, xzr
  T 153, 0x55, 0, 0x55, orr x3, x1, xzr, lsl #5

  PASS

  .balign 64
adr_fwd:
  ret

  .data
  .skip 0x1234
far_data:
  .quad 0
