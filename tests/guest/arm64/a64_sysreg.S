/*
 * a64_sysreg.S - special-purpose and system registers at EL1.
 *
 * NZCV (only bits 31:28 kept), DAIF by register and by the DAIFSet/DAIFClr
 * immediates, SPSel (register and immediate: SP switches between SP_EL1
 * and SP_EL0), CurrentEL, SP_EL0 round trip while SPSel = 1, TPIDR_EL0/
 * TPIDR_EL1/TPIDRRO_EL0/ELR_EL1/SPSR_EL1/FAR_EL1/MAIR_EL1/CONTEXTIDR_EL1
 * round trips, MSR from XZR writes 0, MRS to XZR is discarded,
 * CNTFRQ_EL0 nonzero, CNTVCT_EL0 and CNTPCT_EL0 monotonic (and moving),
 * MIDR_EL1 (architecture 0xf) and MPIDR_EL1 (bit 31 RES1) readable,
 * ID_AA64ISAR0_EL1 reports the LSE atomics and CRC32 the other tests use,
 * ID_AA64MMFR0_EL1 the 4 KiB granule a64_mmu uses, ID_AA64PFR0_EL1
 * AArch64 at EL0 and EL1; PSTATE.PAN round trip if ID_AA64MMFR1_EL1.PAN.
 *
 * CHECK_IMM uses x16.
 */
#include "test.h"

/* write \val to \reg, read it back, expect \exp */
.macro RT n, reg, val, exp
  MOV64 x1, \val
  msr \reg, x1
  mrs x2, \reg
  CHECK_IMM \n, x2, \exp
.endm

  .text
  .globl main
main:
  mov x20, x30

  /* ------------------------------------------------------ NZCV */
  RT 1, nzcv, 0xffffffffffffffff, 0xf0000000
  RT 2, nzcv, 0x50000000, 0x50000000
  RT 3, nzcv, 0x0fffffff, 0

  /* ------------------------------------------------------ DAIF */
  mrs x2, daif
  CHECK_IMM 4, x2, PSR_DAIF        /* the crt runs masked */
  RT 5, daif, 0, 0
  RT 6, daif, 0xffffffffffffffff, PSR_DAIF
  msr daifclr, #5                  /* A and F */
  mrs x2, daif
  CHECK_IMM 7, x2, PSR_D | PSR_I
  msr daifset, #1                  /* F */
  mrs x2, daif
  CHECK_IMM 8, x2, PSR_D | PSR_I | PSR_F
  msr daifclr, #0xf
  mrs x2, daif
  CHECK_IMM 9, x2, 0
  msr daifset, #0xf
  mrs x2, daif
  CHECK_IMM 10, x2, PSR_DAIF

  /* ------------------------------------------------------ SPSel, SP */
  mrs x2, CurrentEL
  CHECK_IMM 11, x2, 4
  mrs x2, spsel
  CHECK_IMM 12, x2, 1
  mrs x21, sp_el0                  /* keep the crt's EL0 stack */
  MOV64 x1, 0x40001230
  msr sp_el0, x1
  mrs x2, sp_el0
  CHECK_IMM 13, x2, 0x40001230
  mov x22, sp
  msr spsel, #0
  mov x3, sp                       /* SP_EL0 */
  MOV64 x1, 0x40004560
  mov sp, x1                       /* writes SP_EL0 */
  mrs x4, spsel
  msr spsel, #1
  mov x5, sp                       /* SP_EL1 again */
  mrs x6, sp_el0
  CHECK_IMM 14, x3, 0x40001230
  CHECK_IMM 15, x4, 0
  CHECK_REG 16, x5, x22
  CHECK_IMM 17, x6, 0x40004560
  mov x1, #0
  msr spsel, x1                    /* register form, bit 0 only */
  mov x3, sp
  MOV64 x1, 0xfffffffffffffffe | 1
  msr spsel, x1
  mrs x4, spsel
  mov x5, sp
  CHECK_IMM 18, x3, 0x40004560
  CHECK_IMM 19, x4, 1
  CHECK_REG 20, x5, x22
  msr sp_el0, x21

  /* ------------------------------------------------ round trips */
  RT 21, tpidr_el0, 0x0123456789abcdef, 0x0123456789abcdef
  RT 22, tpidr_el1, 0xfedcba9876543210, 0xfedcba9876543210
  RT 23, tpidrro_el0, 0x5555aaaa5555aaaa, 0x5555aaaa5555aaaa
  mrs x2, tpidr_el0                /* still there: separate registers */
  CHECK_IMM 24, x2, 0x0123456789abcdef
  RT 25, elr_el1, 0x40081234, 0x40081234
  RT 26, spsr_el1, 0xf00003c5, 0xf00003c5
  RT 27, far_el1, 0xffff000012345678, 0xffff000012345678
  RT 28, mair_el1, 0x0123456789abcdef, 0x0123456789abcdef
  RT 29, contextidr_el1, 0x12345678, 0x12345678
  msr tpidr_el0, xzr               /* Rt = 31 is XZR */
  mrs x2, tpidr_el0
  CHECK_IMM 30, x2, 0
  mov x9, sp
  mrs xzr, tpidr_el1               /* discarded, SP unchanged */
  mov x10, sp
  CHECK_REG 31, x9, x10
  msr mair_el1, xzr

  /* ------------------------------------------------ generic timer */
  mrs x2, cntfrq_el0
  cbnz x2, 1f
  FAIL 32
1:
  isb
  mrs x3, cntvct_el0
  MOV64 x5, 100000
2:
  sub x5, x5, #1
  cbnz x5, 2b
  isb
  mrs x4, cntvct_el0
  cmp x4, x3
  b.hi 3f
  FAIL 33
3:
  isb
  mrs x3, cntpct_el0
  isb
  mrs x4, cntpct_el0
  cmp x4, x3
  b.hs 4f
  FAIL 34
4:

  /* ------------------------------------------------ identification */
  mrs x2, midr_el1
  ubfx x2, x2, #16, #4
  CHECK_IMM 35, x2, 0xf
  mrs x2, mpidr_el1
  ubfx x2, x2, #31, #1
  CHECK_IMM 36, x2, 1
  mrs x2, id_aa64isar0_el1
  ubfx x3, x2, #20, #4             /* Atomic: 2 = LSE */
  CHECK_IMM 37, x3, 2
  ubfx x3, x2, #16, #4             /* CRC32: 1 */
  CHECK_IMM 38, x3, 1
  mrs x2, id_aa64mmfr0_el1
  ubfx x3, x2, #28, #4             /* TGran4: 0xf = not supported */
  cmp x3, #0xf
  b.ne 9f
  FAIL 39
9:
  ubfx x3, x2, #0, #4              /* PARange: at least 40 bits (2) */
  cmp x3, #2
  b.hs 5f
  FAIL 40
5:
  mrs x2, id_aa64pfr0_el1
  ubfx x3, x2, #0, #4              /* EL0: 1 or 2 */
  cbnz x3, 6f
  FAIL 41
6:
  ubfx x3, x2, #4, #4              /* EL1 */
  cbnz x3, 7f
  FAIL 42
7:

  /* ------------------------------------------------ PAN (if any) */
  mrs x2, id_aa64mmfr1_el1
  ubfx x2, x2, #20, #4
  cbz x2, 8f
  msr pan, #1
  mrs x3, pan
  msr pan, #0
  mrs x4, pan
  CHECK_IMM 43, x3, 1 << 22
  CHECK_IMM 44, x4, 0
8:

  mov x30, x20
  mov w0, #0
  ret
