/*
 * crt.S - start-up and exception vectors of the wvm AArch64 guest tests.
 *
 * - entered at _start (0x4008_0000) at EL1h, MMU off, DAIF masked, no
 *   firmware; anything but CurrentEL == EL1 fails with 250
 * - SCTLR_EL1 = SCTLR_INIT (test.h), CPACR_EL1.FPEN = 0b11 (FP/SIMD on),
 *   SP_EL1 = __stack_top, SP_EL0 = __el0_stack_top, .bss zeroed,
 *   VBAR_EL1 = vectors; then main(): 0 = pass, n = fail(n)
 * - every vector entry saves x0-x30, SP_EL0, ELR/SPSR/ESR/FAR_EL1 and its
 *   own offset in a struct trapframe on SP_EL1, calls trap_dispatch()
 *   (lib.c), then restores SP_EL0, ELR_EL1, SPSR_EL1 and x0-x30 from the
 *   frame (a handler may change them) and ERETs
 * - run_el0(fn, arg) and the EL0 exit stub
 */
#include "test.h"

  .section .text.init, "ax"
  .globl _start
_start:
  adrp x0, __stack_top
  add x0, x0, :lo12:__stack_top
  mov sp, x0
  mrs x0, CurrentEL
  cmp x0, #(1 << 2)
  b.ne not_el1
  msr daifset, #0xf
  MOV64 x0, SCTLR_INIT
  msr sctlr_el1, x0
  mov x0, #(3 << 20)               /* CPACR_EL1.FPEN = 0b11 */
  msr cpacr_el1, x0
  adrp x0, vectors
  add x0, x0, :lo12:vectors
  msr vbar_el1, x0
  isb
  adrp x0, __el0_stack_top
  add x0, x0, :lo12:__el0_stack_top
  msr sp_el0, x0
  adrp x0, __bss_start
  add x0, x0, :lo12:__bss_start
  adrp x1, __bss_end
  add x1, x1, :lo12:__bss_end
1:
  cmp x0, x1
  b.hs 2f
  stp xzr, xzr, [x0], #16
  b 1b
2:
  mov x29, #0
  mov x30, #0
  bl main
  cbz w0, test_pass
  mov w0, w0
  b test_fail

not_el1:                           /* x0 = CurrentEL */
  bl not_el1_fail                  /* lib.c: prints, exits with 250 */

/* ------------------------------------------------------------ vectors */
.macro VENTRY off
  .balign 0x80
  sub sp, sp, #TF_SIZE
  stp x0, x1, [sp, #TF_X(0)]
  mov x0, #\off
  b trap_entry
.endm

  .text
  .balign 2048
  .globl vectors
vectors:
  VENTRY 0x000
  VENTRY 0x080
  VENTRY 0x100
  VENTRY 0x180
  VENTRY 0x200
  VENTRY 0x280
  VENTRY 0x300
  VENTRY 0x380
  VENTRY 0x400
  VENTRY 0x480
  VENTRY 0x500
  VENTRY 0x580
  VENTRY 0x600
  VENTRY 0x680
  VENTRY 0x700
  VENTRY 0x780

trap_entry:                        /* x0 = vector offset, x0/x1 saved */
  stp x2, x3, [sp, #TF_X(2)]
  stp x4, x5, [sp, #TF_X(4)]
  stp x6, x7, [sp, #TF_X(6)]
  stp x8, x9, [sp, #TF_X(8)]
  stp x10, x11, [sp, #TF_X(10)]
  stp x12, x13, [sp, #TF_X(12)]
  stp x14, x15, [sp, #TF_X(14)]
  stp x16, x17, [sp, #TF_X(16)]
  stp x18, x19, [sp, #TF_X(18)]
  stp x20, x21, [sp, #TF_X(20)]
  stp x22, x23, [sp, #TF_X(22)]
  stp x24, x25, [sp, #TF_X(24)]
  stp x26, x27, [sp, #TF_X(26)]
  stp x28, x29, [sp, #TF_X(28)]
  mrs x1, sp_el0
  stp x30, x1, [sp, #TF_X(30)]     /* x30, sp_el0 */
  mrs x1, elr_el1
  mrs x2, spsr_el1
  stp x1, x2, [sp, #TF_ELR]
  mrs x1, esr_el1
  mrs x2, far_el1
  stp x1, x2, [sp, #TF_ESR]
  str x0, [sp, #TF_VEC]
  mov x0, sp
  bl trap_dispatch
  ldp x1, x2, [sp, #TF_ELR]
  msr elr_el1, x1
  msr spsr_el1, x2
  ldp x30, x1, [sp, #TF_X(30)]
  msr sp_el0, x1
  ldp x0, x1, [sp, #TF_X(0)]
  ldp x2, x3, [sp, #TF_X(2)]
  ldp x4, x5, [sp, #TF_X(4)]
  ldp x6, x7, [sp, #TF_X(6)]
  ldp x8, x9, [sp, #TF_X(8)]
  ldp x10, x11, [sp, #TF_X(10)]
  ldp x12, x13, [sp, #TF_X(12)]
  ldp x14, x15, [sp, #TF_X(14)]
  ldp x16, x17, [sp, #TF_X(16)]
  ldp x18, x19, [sp, #TF_X(18)]
  ldp x20, x21, [sp, #TF_X(20)]
  ldp x22, x23, [sp, #TF_X(22)]
  ldp x24, x25, [sp, #TF_X(24)]
  ldp x26, x27, [sp, #TF_X(26)]
  ldp x28, x29, [sp, #TF_X(28)]
  add sp, sp, #TF_SIZE
  eret

/* ------------------------------------------------------------ run_el0 */
/* long run_el0(long (*fn)(long), long arg) */
  .globl run_el0
run_el0:
  stp x29, x30, [sp, #-96]!
  stp x19, x20, [sp, #16]
  stp x21, x22, [sp, #32]
  stp x23, x24, [sp, #48]
  stp x25, x26, [sp, #64]
  stp x27, x28, [sp, #80]
  msr elr_el1, x0
  mov x0, #(PSR_M_EL0T | PSR_DAIF)
  msr spsr_el1, x0
  adrp x0, __el0_stack_top
  add x0, x0, :lo12:__el0_stack_top
  msr sp_el0, x0
  adrp x0, el0_active
  mov w2, #1
  str w2, [x0, :lo12:el0_active]
  mov x0, x1
  adr x30, el0_exit
  eret                             /* SP_EL1 stays here: see below */

/* trap_dispatch() resumes here at EL1h with x0 = fn's value, on the SP
   run_el0 left behind. */
  .globl run_el0_return
run_el0_return:
  ldp x19, x20, [sp, #16]
  ldp x21, x22, [sp, #32]
  ldp x23, x24, [sp, #48]
  ldp x25, x26, [sp, #64]
  ldp x27, x28, [sp, #80]
  ldp x29, x30, [sp], #96
  ret

el0_exit:                          /* EL0: fn returned, x0 = value */
  MOV64 x8, EL0_EXIT_MAGIC
  svc #SVC_MAGIC
1:
  b 1b
