/*
 * fp_test.h - assembly macros shared by rv64f.S and rv64d.S.
 *
 * Every macro: loads the operands as raw bit patterns (fmv.w.x for 's',
 * which NaN-boxes, fmv.d.x for 'd'), clears fflags, executes exactly one
 * instruction, then reads fflags and the result, and fails with check \n
 * unless the result AND the flags match.  FP results are compared as the
 * full 64-bit register image (fmv.x.d), so single results must also be
 * properly NaN-boxed.  Registers used: t0-t5, ft0-ft3 (a0 on failure).
 */
#ifndef WVM_FP_TEST_H
#define WVM_FP_TEST_H

#define FL_NV 16
#define FL_DZ 8
#define FL_OF 4
#define FL_UF 2
#define FL_NX 1

.macro FLOAD t, freg, ireg, val
  li \ireg, \val
  .ifc \t, s
  fmv.w.x \freg, \ireg
  .else
  fmv.d.x \freg, \ireg
  .endif
.endm

/* result register \r must be \exp and flags register \fl must be \flags */
.macro FRES n, r, fl, exp, flags
  li t4, \exp
  bne \r, t4, .Lfres_bad\@
  li t4, \flags
  beq \fl, t4, .Lfres_ok\@
.Lfres_bad\@:
  li a0, \n
  j test_fail
.Lfres_ok\@:
.endm

.macro FOP2 n, op, rm, t, a, b, exp, flags
  FLOAD \t, ft0, t0, \a
  FLOAD \t, ft1, t1, \b
  csrwi fflags, 0
  \op ft2, ft0, ft1, \rm
  frflags t3
  fmv.x.d t2, ft2
  FRES \n, t2, t3, \exp, \flags
.endm

.macro FOP2NR n, op, t, a, b, exp, flags
  FLOAD \t, ft0, t0, \a
  FLOAD \t, ft1, t1, \b
  csrwi fflags, 0
  \op ft2, ft0, ft1
  frflags t3
  fmv.x.d t2, ft2
  FRES \n, t2, t3, \exp, \flags
.endm

.macro FOP1 n, op, rm, t, a, exp, flags
  FLOAD \t, ft0, t0, \a
  csrwi fflags, 0
  \op ft2, ft0, \rm
  frflags t3
  fmv.x.d t2, ft2
  FRES \n, t2, t3, \exp, \flags
.endm

.macro FOP1NR n, op, t, a, exp, flags
  FLOAD \t, ft0, t0, \a
  csrwi fflags, 0
  \op ft2, ft0
  frflags t3
  fmv.x.d t2, ft2
  FRES \n, t2, t3, \exp, \flags
.endm

.macro FOP3 n, op, rm, t, a, b, c, exp, flags
  FLOAD \t, ft0, t0, \a
  FLOAD \t, ft1, t1, \b
  FLOAD \t, ft2, t2, \c
  csrwi fflags, 0
  \op ft3, ft0, ft1, ft2, \rm
  frflags t3
  fmv.x.d t2, ft3
  FRES \n, t2, t3, \exp, \flags
.endm

/* compares: integer result */
.macro FCMP n, op, t, a, b, exp, flags
  FLOAD \t, ft0, t0, \a
  FLOAD \t, ft1, t1, \b
  li t2, 0x55
  csrwi fflags, 0
  \op t2, ft0, ft1
  frflags t3
  FRES \n, t2, t3, \exp, \flags
.endm

.macro FCLASS n, op, t, a, exp
  FLOAD \t, ft0, t0, \a
  csrwi fflags, 0
  \op t2, ft0
  frflags t3
  FRES \n, t2, t3, \exp, 0
.endm

/* float -> integer (rd = full 64-bit register value) */
.macro FTOINT n, op, rm, t, a, exp, flags
  FLOAD \t, ft0, t0, \a
  csrwi fflags, 0
  \op t2, ft0, \rm
  frflags t3
  FRES \n, t2, t3, \exp, \flags
.endm

/* integer -> float */
.macro FFROMINT n, op, rm, x, exp, flags
  li t0, \x
  csrwi fflags, 0
  \op ft2, t0, \rm
  frflags t3
  fmv.x.d t2, ft2
  FRES \n, t2, t3, \exp, \flags
.endm

/* integer -> float, no rm operand (fcvt.d.w / fcvt.d.wu are exact) */
.macro FFROMINTNR n, op, x, exp, flags
  li t0, \x
  csrwi fflags, 0
  \op ft2, t0
  frflags t3
  fmv.x.d t2, ft2
  FRES \n, t2, t3, \exp, \flags
.endm

/* dynamic rounding mode: frm = \frm, instruction rm = dyn */
.macro FDYN2 n, op, frm, t, a, b, exp, flags
  FLOAD \t, ft0, t0, \a
  FLOAD \t, ft1, t1, \b
  fsrmi \frm
  csrwi fflags, 0
  \op ft2, ft0, ft1, dyn
  frflags t3
  fsrmi 0
  fmv.x.d t2, ft2
  FRES \n, t2, t3, \exp, \flags
.endm

.macro FDYN1 n, op, frm, t, a, exp, flags
  FLOAD \t, ft0, t0, \a
  fsrmi \frm
  csrwi fflags, 0
  \op ft2, ft0, dyn
  frflags t3
  fsrmi 0
  fmv.x.d t2, ft2
  FRES \n, t2, t3, \exp, \flags
.endm

.macro FDYNTOINT n, op, frm, t, a, exp, flags
  FLOAD \t, ft0, t0, \a
  fsrmi \frm
  csrwi fflags, 0
  \op t2, ft0, dyn
  frflags t3
  fsrmi 0
  FRES \n, t2, t3, \exp, \flags
.endm

/*
 * Trap expectations.  s0 points to a record {count, cause, tval, epc}
 * filled by fp_trap_handler (defined by FP_TRAP_HANDLER), which skips
 * the 4-byte trapping instruction.
 */
.macro EXPECT_ILLEGAL n, insn:vararg
  sd zero, 0(s0)
  .option push
  .option norvc
.Lill\@:
  \insn
  .option pop
  ld t0, 0(s0)
  li t1, 1
  bne t0, t1, .Lill_bad\@
  ld t0, 8(s0)
  li t1, CAUSE_ILLEGAL_INSN
  bne t0, t1, .Lill_bad\@
  la t1, .Lill\@
  ld t0, 24(s0)
  bne t0, t1, .Lill_bad\@
  lwu t1, 0(t1)                    /* mtval = the instruction bits */
  ld t0, 16(s0)
  beq t0, t1, .Lill_ok\@
.Lill_bad\@:
  li a0, \n
  j test_fail
.Lill_ok\@:
.endm

.macro FP_TRAP_HANDLER
  .balign 4
fp_trap_handler:
  csrrw t6, mscratch, t6           /* t6 <-> scratch (no stack needed) */
  csrr t6, mcause
  sd t6, 8(s0)
  csrr t6, mtval
  sd t6, 16(s0)
  csrr t6, mepc
  sd t6, 24(s0)
  addi t6, t6, 4
  csrw mepc, t6
  ld t6, 0(s0)
  addi t6, t6, 1
  sd t6, 0(s0)
  csrrw t6, mscratch, t6
  mret
.endm

#endif
