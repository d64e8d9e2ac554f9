/*
 * smc.S - self-modifying code.
 *
 *  1. a function already executed (and called many times, so a JIT or
 *     translation cache certainly holds it) gets an instruction rewritten;
 *     after fence.i the new behaviour must be seen; repeated twice
 *  2. rewriting a nop into ret changes control flow
 *  3. a loop rewrites an instruction of its own body (same page, same
 *     basic block region) mid-way; iterations after the fence.i see it
 *  4. store + fence.i immediately followed by the patched instruction
 *     (the patch site is in the same straight-line block as the store)
 *  5. a 16-bit (RVC) instruction rewritten with another one
 * Instruction encodings are written as data words (see comments).
 */
#include "test.h"

#define ADDI_A0_ZERO(imm)  (((imm) << 20) | 0x513)   /* addi a0, x0, imm */
#define ADDI_A1_A1(imm)    (((imm) << 20) | 0x58593) /* addi a1, a1, imm */
#define RET                0x00008067                /* jalr x0, 0(ra) */
#define NOP                0x00000013
#define C_LI_A0(imm)       (0x4501 | ((imm) << 2))    /* c.li a0, imm (0..31) */

  .text
  .globl main
main:
  addi sp, sp, -16
  sd ra, 0(sp)
  .option push
  .option norvc

  /* ----------------------------------- 1. patch a hot function */
  li s1, 1000
1:
  call patch_fn
  addi s1, s1, -1
  bnez s1, 1b
  CHECK_IMM 1, a0, 1
  la t0, patch_fn_site
  li t1, ADDI_A0_ZERO(2)
  sw t1, 0(t0)
  fence.i
  call patch_fn
  CHECK_IMM 2, a0, 2
  li t1, ADDI_A0_ZERO(3)
  sw t1, 0(t0)
  fence.i
  call patch_fn
  CHECK_IMM 3, a0, 3
  /* loop again over the patched version */
  li s1, 100
  li s2, 0
2:
  call patch_fn
  add s2, s2, a0
  addi s1, s1, -1
  bnez s1, 2b
  CHECK_IMM 4, s2, 300

  /* ------------------------------ 2. nop -> ret changes control flow */
  call flow_fn
  CHECK_IMM 5, a0, 20
  la t0, flow_fn_site
  li t1, RET
  sw t1, 0(t0)
  fence.i
  call flow_fn
  CHECK_IMM 6, a0, 10
  li t1, NOP
  sw t1, 0(t0)
  fence.i
  call flow_fn
  CHECK_IMM 7, a0, 20

  /* ------------------------- 3. a loop patching its own body */
  li a1, 0
  li s1, 0                        /* iteration */
  la s3, loop_site
  li s4, ADDI_A1_A1(100)
3:
loop_site:
  addi a1, a1, 1                  /* becomes addi a1, a1, 100 */
  li t0, 5
  bne s1, t0, 4f
  sw s4, 0(s3)
  fence.i
4:
  addi s1, s1, 1
  li t0, 10
  bne s1, t0, 3b
  CHECK_IMM 8, a1, 6 + 4 * 100    /* iterations 0..5 old, 6..9 new */
  /* restore for idempotence */
  li t1, ADDI_A1_A1(1)
  sw t1, 0(s3)
  fence.i

  /* ---------------- 4. the patched instruction follows the fence.i */
  li s5, 0
5:
  la t0, next_site
  li t1, ADDI_A0_ZERO(7)
  sw t1, 0(t0)
  fence.i
next_site:
  li a0, 4                        /* replaced by addi a0, x0, 7 before it runs */
  CHECK_IMM 9, a0, 7
  /* put the old instruction back and run the block again */
  li t1, ADDI_A0_ZERO(4)
  sw t1, 0(t0)
  fence.i
  addi s5, s5, 1
  li t0, 3
  bne s5, t0, 5b

  .option pop
  /* ------------------------------------------- 5. RVC instruction */
  call rvc_fn
  CHECK_IMM 10, a0, 5
  la t0, rvc_fn_site
  li t1, C_LI_A0(9)
  sh t1, 0(t0)
  fence.i
  call rvc_fn
  CHECK_IMM 11, a0, 9
  lhu t2, 2(t0)                   /* the next halfword is untouched */
  li t3, 0x8082                   /* c.jr ra */
  CHECK_REG 12, t2, t3

  ld ra, 0(sp)
  addi sp, sp, 16
  li a0, 0
  ret

/* ------------------------------------------------------------------ */
  .option push
  .option norvc
  .balign 4
patch_fn:
patch_fn_site:
  li a0, 1
  ret

flow_fn:
  li a0, 10
flow_fn_site:
  nop
  li a0, 20
  ret
  .option pop

  .option push
  .option rvc
  .balign 4
rvc_fn:
rvc_fn_site:
  c.li a0, 5
  c.jr ra
  .option pop
