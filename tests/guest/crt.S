/*
 * crt.S - startup code shared by all wvm guest tests.
 *
 * - entered in M mode at 0x80000000 (no firmware)
 * - opens PMP entry 0 to all of memory (skipped if PMP CSRs trap)
 * - clears mie/mideleg/medeleg/satp, mstatus control bits,
 *   sets mstatus.FS = Initial and fcsr = 0
 * - sp = main stack, mscratch = M trap stack, sscratch = S trap stack
 * - zeroes .bss, calls main(); main returning 0 = pass, n = fail(n)
 * - mtvec = m_trap_entry (direct): saves all integer registers in a
 *   struct trapframe on the M trap stack and calls m_trap_dispatch()
 *   (lib.c), which handles the run_mode() return ecall, then a test's
 *   m_trap_handler, else fails with 240 + mcause.
 * - s_trap_entry is the same for S mode (stvec, sscratch, sret).
 */
#include "test.h"

  .section .text.init, "ax"
  .option norelax
  .globl _start
_start:
  /* PMP: entry 0 = NAPOT over the whole address space, RWX.  If the
     PMP CSRs are not implemented this traps to 1f and is skipped. */
  la t0, 1f
  csrw mtvec, t0
  li t0, (1 << 53) - 1
  csrw pmpaddr0, t0
  li t0, 0x1f              /* A=NAPOT, X, W, R */
  csrw pmpcfg0, t0
  .align 2
1:
  la t0, m_trap_entry
  csrw mtvec, t0
  csrw mie, zero
  csrw mip, zero
  csrw mideleg, zero
  csrw medeleg, zero
  csrw satp, zero
  li t0, MSTATUS_MIE | MSTATUS_SIE | MSTATUS_MPIE | MSTATUS_SPIE | MSTATUS_MPP | MSTATUS_SPP | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_FS
  csrc mstatus, t0
  li t0, MSTATUS_FS_INITIAL
  csrs mstatus, t0
  csrwi fcsr, 0

  la sp, __stack_top
  la t0, __mtrap_stack_top
  csrw mscratch, t0
  la t0, __strap_stack_top
  csrw sscratch, t0
  li gp, 0
  li tp, 0

  /* zero .bss */
  la t0, __bss_start
  la t1, __bss_end
2:
  bgeu t0, t1, 3f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 2b
3:
  li a0, 0
  li a1, 0
  call main
  beqz a0, test_pass
  j test_fail

/* ------------------------------------------------------------------ */
  .text
  .globl test_pass
test_pass:
  li t0, 1
  la t1, tohost
  sd t0, 0(t1)
  li t1, SIFIVE_TEST
  li t0, 0x5555
  sw t0, 0(t1)
1:
  j 1b

  .globl test_fail
test_fail:                 /* a0 = check number */
  bnez a0, 1f
  li a0, FAIL_ZERO
1:
  slli t0, a0, 1
  ori t0, t0, 1
  la t1, tohost
  sd t0, 0(t1)
  li t1, SIFIVE_TEST
  slli t0, a0, 16
  li t2, 0x3333
  or t0, t0, t2
  sw t0, 0(t1)
1:
  j 1b

/* ------------------------------------------------------------------ */
.macro SAVE_REGS
  sd x1, TF_X(1)(sp)
  sd x3, TF_X(3)(sp)
  sd x4, TF_X(4)(sp)
  sd x5, TF_X(5)(sp)
  sd x6, TF_X(6)(sp)
  sd x7, TF_X(7)(sp)
  sd x8, TF_X(8)(sp)
  sd x9, TF_X(9)(sp)
  sd x10, TF_X(10)(sp)
  sd x11, TF_X(11)(sp)
  sd x12, TF_X(12)(sp)
  sd x13, TF_X(13)(sp)
  sd x14, TF_X(14)(sp)
  sd x15, TF_X(15)(sp)
  sd x16, TF_X(16)(sp)
  sd x17, TF_X(17)(sp)
  sd x18, TF_X(18)(sp)
  sd x19, TF_X(19)(sp)
  sd x20, TF_X(20)(sp)
  sd x21, TF_X(21)(sp)
  sd x22, TF_X(22)(sp)
  sd x23, TF_X(23)(sp)
  sd x24, TF_X(24)(sp)
  sd x25, TF_X(25)(sp)
  sd x26, TF_X(26)(sp)
  sd x27, TF_X(27)(sp)
  sd x28, TF_X(28)(sp)
  sd x29, TF_X(29)(sp)
  sd x30, TF_X(30)(sp)
  sd x31, TF_X(31)(sp)
.endm

.macro RESTORE_REGS
  ld x1, TF_X(1)(sp)
  ld x3, TF_X(3)(sp)
  ld x4, TF_X(4)(sp)
  ld x5, TF_X(5)(sp)
  ld x6, TF_X(6)(sp)
  ld x7, TF_X(7)(sp)
  ld x8, TF_X(8)(sp)
  ld x9, TF_X(9)(sp)
  ld x10, TF_X(10)(sp)
  ld x11, TF_X(11)(sp)
  ld x12, TF_X(12)(sp)
  ld x13, TF_X(13)(sp)
  ld x14, TF_X(14)(sp)
  ld x15, TF_X(15)(sp)
  ld x16, TF_X(16)(sp)
  ld x17, TF_X(17)(sp)
  ld x18, TF_X(18)(sp)
  ld x19, TF_X(19)(sp)
  ld x20, TF_X(20)(sp)
  ld x21, TF_X(21)(sp)
  ld x22, TF_X(22)(sp)
  ld x23, TF_X(23)(sp)
  ld x24, TF_X(24)(sp)
  ld x25, TF_X(25)(sp)
  ld x26, TF_X(26)(sp)
  ld x27, TF_X(27)(sp)
  ld x28, TF_X(28)(sp)
  ld x29, TF_X(29)(sp)
  ld x30, TF_X(30)(sp)
  ld x31, TF_X(31)(sp)
.endm

  .align 6                 /* also usable as a vectored base */
  .globl m_trap_entry
m_trap_entry:
  csrrw sp, mscratch, sp   /* sp = M trap stack, mscratch = old sp */
  addi sp, sp, -TF_SIZE
  SAVE_REGS
  csrr t0, mscratch
  sd t0, TF_X(2)(sp)
  csrr t0, mcause
  sd t0, TF_CAUSE(sp)
  csrr t0, mepc
  sd t0, TF_EPC(sp)
  csrr t0, mtval
  sd t0, TF_TVAL(sp)
  csrr t0, mstatus
  sd t0, TF_STATUS(sp)
  mv a0, sp
  call m_trap_dispatch
  ld t0, TF_EPC(sp)
  csrw mepc, t0
  ld t0, TF_STATUS(sp)
  csrw mstatus, t0
  ld t0, TF_X(2)(sp)
  csrw mscratch, t0        /* sp to return with */
  RESTORE_REGS
  addi sp, sp, TF_SIZE
  csrrw sp, mscratch, sp   /* sp = (new) old sp, mscratch = stack top */
  mret

  .align 6
  .globl s_trap_entry
s_trap_entry:
  csrrw sp, sscratch, sp
  addi sp, sp, -TF_SIZE
  SAVE_REGS
  csrr t0, sscratch
  sd t0, TF_X(2)(sp)
  csrr t0, scause
  sd t0, TF_CAUSE(sp)
  csrr t0, sepc
  sd t0, TF_EPC(sp)
  csrr t0, stval
  sd t0, TF_TVAL(sp)
  csrr t0, sstatus
  sd t0, TF_STATUS(sp)
  mv a0, sp
  call s_trap_dispatch
  ld t0, TF_EPC(sp)
  csrw sepc, t0
  ld t0, TF_STATUS(sp)
  csrw sstatus, t0
  ld t0, TF_X(2)(sp)
  csrw sscratch, t0
  RESTORE_REGS
  addi sp, sp, TF_SIZE
  csrrw sp, sscratch, sp
  sret

/* ------------------------------------------------------------------ */
/* long run_mode_at(int mode, ulong pc, ulong sp, long arg, ulong ra) */
  .globl run_mode_at
run_mode_at:
  la t0, mode_ctx
  sd ra, 0(t0)
  sd sp, 8(t0)
  sd s0, 16(t0)
  sd s1, 24(t0)
  sd s2, 32(t0)
  sd s3, 40(t0)
  sd s4, 48(t0)
  sd s5, 56(t0)
  sd s6, 64(t0)
  sd s7, 72(t0)
  sd s8, 80(t0)
  sd s9, 88(t0)
  sd s10, 96(t0)
  sd s11, 104(t0)
  csrr t1, mstatus
  sd t1, 112(t0)
  li t1, MSTATUS_MPP
  csrc mstatus, t1
  andi a0, a0, 3
  slli a0, a0, 11
  csrs mstatus, a0
  csrw mepc, a1
  mv sp, a2
  mv a0, a3
  mv ra, a4
  mret

/* long run_mode(int mode, long (*fn)(long), long arg) */
  .globl run_mode
run_mode:
  mv a3, a2
  mv a2, sp
  la a4, mode_exit
  j run_mode_at

  .align 2
  .globl mode_exit
mode_exit:
  li a7, MODE_EXIT_MAGIC
  ecall
1:
  j 1b

/* ------------------------------------------------------------------ */
  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .align 6
  .globl fromhost
fromhost: .dword 0
