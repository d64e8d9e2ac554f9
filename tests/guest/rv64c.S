/*
 * rv64c.S - every RV64C instruction, written with explicit c.* mnemonics
 * so the assembler must emit the 16-bit encodings:
 *   Q0: c.addi4spn c.fld c.lw c.ld c.fsd c.sw c.sd
 *   Q1: c.nop c.addi c.addiw c.li c.addi16sp c.lui c.srli c.srai c.andi
 *       c.sub c.xor c.or c.and c.subw c.addw c.j c.beqz c.bnez
 *   Q2: c.slli c.fldsp c.lwsp c.ldsp c.jr c.mv c.ebreak c.jalr c.add
 *       c.fsdsp c.swsp c.sdsp
 * plus HINT encodings (must execute as no-ops), c.ebreak through a trap
 * (mcause 3, mepc = its address, mtval = its address or 0 -- the spec
 * allows either), 32-bit instructions at 2-byte-aligned addresses (incl.
 * a jump target, and one straddling a 4 KiB page boundary).
 */
#include "test.h"

  .text
  .globl main
main:
  .option push
  .option rvc
  mv s11, sp                       /* real stack; sp is used as a data pointer */

  /* ------------------------------------------------ stack-pointer forms */
  la sp, cbuf + 256
  c.addi4spn a0, sp, 16
  la a1, cbuf + 272
  CHECK_REG 1, a0, a1
  c.addi4spn a2, sp, 1020
  la a1, cbuf + 256 + 1020
  CHECK_REG 2, a2, a1
  c.addi4spn s0, sp, 4
  la a1, cbuf + 260
  CHECK_REG 3, s0, a1
  c.addi16sp sp, -64
  la a1, cbuf + 192
  CHECK_REG 4, sp, a1
  c.addi16sp sp, 496
  la a1, cbuf + 688
  CHECK_REG 5, sp, a1
  c.addi16sp sp, -512
  la a1, cbuf + 176
  CHECK_REG 6, sp, a1

  la sp, cbuf + 256
  li a1, 0x8877665544332211
  c.sdsp a1, 8(sp)
  c.ldsp a2, 8(sp)
  CHECK_IMM 7, a2, 0x8877665544332211
  c.lwsp a3, 12(sp)                /* upper word, sign-extended */
  CHECK_IMM 8, a3, 0xffffffff88776655
  c.lwsp a3, 8(sp)
  CHECK_IMM 9, a3, 0x44332211
  li a1, 0x0123456789abcdef
  c.sdsp a1, 504(sp)
  c.ldsp t2, 504(sp)               /* any register for the sp forms */
  CHECK_IMM 10, t2, 0x0123456789abcdef
  li a1, 0xfedcba98
  c.swsp a1, 252(sp)
  c.lwsp ra, 252(sp)
  CHECK_IMM 11, ra, 0xfffffffffedcba98
  ld a2, 248(sp)                   /* c.swsp wrote only the upper word */
  li a1, 0xfedcba9800000000
  srli a2, a2, 32
  slli a2, a2, 32
  CHECK_REG 12, a2, a1
  /* FP sp forms */
  li a1, 0x400921fb54442d18        /* pi */
  sd a1, 16(sp)
  c.fldsp ft3, 16(sp)
  c.fsdsp ft3, 496(sp)
  ld a2, 496(sp)
  CHECK_REG 13, a2, a1
  fmv.x.d a2, ft3
  CHECK_REG 14, a2, a1

  /* ------------------------------------------ register-based loads/stores */
  la a0, cbuf
  li a1, 0x1122334480000001
  c.sd a1, 0(a0)
  c.ld a2, 0(a0)
  CHECK_IMM 15, a2, 0x1122334480000001
  c.lw a3, 0(a0)
  CHECK_IMM 16, a3, 0xffffffff80000001
  c.lw a3, 4(a0)
  CHECK_IMM 17, a3, 0x11223344
  li a4, 0x7777
  c.sw a4, 124(a0)
  c.lw a5, 124(a0)
  CHECK_IMM 18, a5, 0x7777
  li a4, 0x5555aaaa5555aaaa
  c.sd a4, 248(a0)
  c.ld s1, 248(a0)
  CHECK_IMM 19, s1, 0x5555aaaa5555aaaa
  c.sw s1, 8(a0)
  c.ld a5, 8(a0)                   /* only low word written (cbuf+12 was 0) */
  CHECK_IMM 20, a5, 0x5555aaaa
  /* c.fld / c.fsd with f8..f15 */
  li a1, 0xc00921fb54442d18
  sd a1, 16(a0)
  c.fld fa5, 16(a0)
  c.fsd fa5, 240(a0)
  c.fld fs0, 240(a0)
  fmv.x.d a2, fs0
  CHECK_REG 21, a2, a1

  /* ----------------------------------------------------- integer ALU */
  c.li a0, -32
  CHECK_IMM 22, a0, -32
  c.li a0, 31
  CHECK_IMM 23, a0, 31
  c.addi a0, -32
  CHECK_IMM 24, a0, -1
  c.addi a0, 31
  CHECK_IMM 25, a0, 30
  li a0, 0x7fffffff
  c.addiw a0, 1
  CHECK_IMM 26, a0, 0xffffffff80000000
  li a0, 0x1ffffffff
  c.addiw a0, 0                    /* sext.w */
  CHECK_IMM 27, a0, -1
  li a0, 0x100000000
  c.addiw a0, -1
  CHECK_IMM 28, a0, -1
  c.lui a0, 1
  CHECK_IMM 29, a0, 0x1000
  c.lui a0, 0x1f
  CHECK_IMM 30, a0, 0x1f000
  c.lui a0, 0xfffe0
  CHECK_IMM 31, a0, 0xfffffffffffe0000
  c.lui a0, 0xfffff
  CHECK_IMM 32, a0, 0xfffffffffffff000
  li a0, -1
  c.srli a0, 63
  CHECK_IMM 33, a0, 1
  li a0, 0x8000000000000000
  c.srli a0, 1
  CHECK_IMM 34, a0, 0x4000000000000000
  li a0, 0x8000000000000000
  c.srai a0, 63
  CHECK_IMM 35, a0, -1
  li a0, 0x8000000000000000
  c.srai a0, 32
  CHECK_IMM 36, a0, 0xffffffff80000000
  li a0, -1
  c.andi a0, -32
  CHECK_IMM 37, a0, 0xffffffffffffffe0
  li a0, 0xff
  c.andi a0, 0x1f
  CHECK_IMM 38, a0, 0x1f
  li a0, 1
  c.slli a0, 63
  CHECK_IMM 39, a0, 0x8000000000000000
  li a0, 0x12345678
  c.slli a0, 32
  CHECK_IMM 40, a0, 0x1234567800000000
  li s0, 0x10
  li a5, 0x30
  c.sub s0, a5
  CHECK_IMM 41, s0, -0x20
  li a1, 0xff00ff00
  li a2, 0x0ff00ff0
  mv a3, a1
  c.xor a3, a2
  CHECK_IMM 42, a3, 0xf0f0f0f0
  mv a3, a1
  c.or a3, a2
  CHECK_IMM 43, a3, 0xfff0fff0
  mv a3, a1
  c.and a3, a2
  CHECK_IMM 44, a3, 0x0f000f00
  li a3, 0x80000000
  li a4, 1
  c.subw a3, a4
  CHECK_IMM 45, a3, 0x7fffffff
  li a3, 0
  c.subw a3, a4
  CHECK_IMM 46, a3, -1
  li a3, 0x7fffffff
  c.addw a3, a4
  CHECK_IMM 47, a3, 0xffffffff80000000
  li a3, 0x1234500000000
  c.addw a3, a4
  CHECK_IMM 48, a3, 1
  li t0, 5
  li t1, -7
  c.add t0, t1                     /* full register set */
  CHECK_IMM 49, t0, -2
  li t4, 0x123456789
  c.mv t5, t4
  CHECK_IMM 50, t5, 0x123456789
  c.nop
  /* HINTs: must execute as no-ops */
  li a0, 9
  .hword 0x4015                    /* c.li x0, 5 */
  .hword 0x1005                    /* c.nop with nonzero imm (c.addi x0 hint) */
  .hword 0x8002 | (0 << 7) | (10 << 2)  /* c.mv x0, a0 */
  CHECK_IMM 51, a0, 9

  /* ------------------------------------------------------- control flow */
  c.j 1f
  FAIL 52
1:
  j 3f
2:
  c.j 4f                           /* backward target, forward jump */
3:
  c.j 2b
4:
  li s0, 0
  c.beqz s0, 5f
  FAIL 53
5:
  li s0, 1
  c.beqz s0, 6f
  j 7f
6:
  FAIL 54
7:
  li s1, 0x100000000               /* bnez looks at all 64 bits */
  c.bnez s1, 8f
  FAIL 55
8:
  li s1, 0
  c.bnez s1, 9f
  j 10f
9:
  FAIL 56
10:
  /* backward c.bnez loop */
  li a0, 5
  li a1, 0
11:
  c.addi a1, 1
  c.addi a0, -1
  c.bnez a0, 11b
  CHECK_IMM 57, a1, 5

  /* c.jr */
  la a2, 12f
  c.jr a2
  FAIL 58
12:
  /* c.jalr: ra = address of c.jalr + 2 */
  la a2, 14f
13:
  c.jalr a2
  FAIL 59
14:
  la a3, 13b + 2
  CHECK_REG 60, ra, a3
  /* c.jalr with rs1 == ra: target from the old ra */
  la ra, 16f
15:
  c.jalr ra
  FAIL 61
16:
  la a3, 15b + 2
  CHECK_REG 62, ra, a3
  /* c.jalr / c.jr returning to a 2-byte aligned return address */
  .balign 4
  c.nop
  la a2, sub_ret                   /* sub_ret: c.jr ra */
  c.jalr a2
  li a4, 77                        /* reached via c.jr ra */
  CHECK_IMM 63, a4, 77

  /* ----------------------------------- 32-bit instructions at pc % 4 == 2 */
  .balign 4
  c.nop
  .option push
  .option norvc
  li a0, 0                         /* not compressible forms follow */
  addi a0, a0, 1000
  lui a1, 0x12345
  .option pop
  CHECK_IMM 64, a0, 1000
  CHECK_IMM 65, a1, 0x12345000
  /* jump to a 32-bit instruction at a 2-mod-4 address */
  la a2, odd_target
  andi a3, a2, 3
  CHECK_IMM 66, a3, 2
  jalr a2
  CHECK_IMM 67, a0, 0x5a5
  /* 32-bit instruction straddling a page boundary */
  la a2, page_cross_entry
  jr a2
page_cross_back:
  CHECK_IMM 68, a1, 105
  la a2, page_cross_insn
  li a3, 0xfff
  and a3, a2, a3
  CHECK_IMM 69, a3, 0xffe

  /* -------------------------------------------------- c.ebreak via trap */
  la a0, ebreak_handler
  csrw mtvec, a0
  la s10, trap_log
  sd zero, 0(s10)
ebreak_pc:
  c.ebreak
  la a0, m_trap_entry
  csrw mtvec, a0
  ld a1, 0(s10)                    /* count */
  CHECK_IMM 70, a1, 1
  ld a1, 8(s10)                    /* mcause */
  CHECK_IMM 71, a1, CAUSE_BREAKPOINT
  ld a1, 16(s10)                   /* mepc */
  la a2, ebreak_pc
  CHECK_REG 72, a1, a2
  ld a1, 24(s10)                   /* mtval: pc or 0 */
  beqz a1, 17f
  CHECK_REG 73, a1, a2
17:
  mv sp, s11
  .option pop
  PASS

/* ------------------------------------------------------------------ */
  .option push
  .option rvc
sub_ret:
  c.jr ra

  .balign 4
  c.nop
odd_target:                        /* 2 mod 4 */
  .option push
  .option norvc
  li a0, 0x5a5
  .option pop
  c.jr ra

  .balign 4
ebreak_handler:
  csrr t0, mcause
  sd t0, 8(s10)
  csrr t0, mepc
  sd t0, 16(s10)
  csrr t0, mtval
  sd t0, 24(s10)
  ld t1, 0(s10)
  addi t1, t1, 1
  sd t1, 0(s10)
  csrr t0, mepc
  addi t0, t0, 2                   /* c.ebreak is 2 bytes */
  csrw mepc, t0
  mret

  .balign 4096
  .skip 4096 - 4
page_cross_entry:                  /* page end - 4 */
  c.li a1, 5
page_cross_insn:                   /* page end - 2: straddles the boundary */
  .option push
  .option norvc
  addi a1, a1, 100
  .option pop
  j page_cross_back
  .option pop

  .data
  .balign 16
cbuf:
  .fill 1536, 1, 0
trap_log:
  .dword 0, 0, 0, 0
