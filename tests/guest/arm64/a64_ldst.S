/*
 * a64_ldst.S - loads and stores (MMU off, so all accesses are aligned:
 * the alignment fault of an unaligned access is in a64_exc).
 *
 * LDR/STR of every size (B, H, W, X), LDRSB/LDRSH to W and X, LDRSW;
 * little-endian byte order; narrow stores change only their bytes.
 * Addressing: unsigned scaled offset up to the maximum (4095 << size),
 * LDUR/STUR with negative offsets, pre- and post-index writeback (base
 * updated exactly, negative amounts), register offset with LSL/UXTW/SXTW/
 * SXTX and shift 0 or size (W index with garbage upper half, negative
 * index), PC-relative literal loads (LDR X/W, LDRSW) forward and backward.
 * LDP/STP (W, X) and LDPSW with offset (incl. -512 and +504), pre- and
 * post-index; LDNP/STNP.  SP as base register (offset, pre/post-index,
 * STP/LDP), XZR as the register stored, a load to XZR discarded.  PRFM
 * (register, immediate, literal) never faults, even to an address with
 * no memory or a misaligned one.
 *
 * buf holds bytes 0x80 + i (i < 64) then 0x10 + i: loads from buf+0..63
 * are negative, from buf+64..127 positive.  CHECK_IMM uses x16.
 */
#include "test.h"

#define P 0xdeadbeefdeadbeef

/* x3 = poison; insn; check x3 */
.macro TL n, exp, insn:vararg
  MOV64 x3, P
  \insn
  CHECK_IMM \n, x3, \exp
.endm

/* store \val (in x3) with \insn, then check the quad at x5 (= scratch) */
.macro TS n, val, exp, insn:vararg
  MOV64 x4, P
  str x4, [x5]
  MOV64 x3, \val
  \insn
  ldr x4, [x5]
  CHECK_IMM \n, x4, \exp
.endm

  .text
  .balign 4
lit_back:                          /* before its loads: negative offset */
  .word 0xf0e0d0c0

  .globl main
main:
  adr x1, buf
  adr x5, scratch

  /* ------------------------------------------ sizes, sign extension */
  TL 1, 0x80, ldrb w3, [x1]
  TL 2, 0x8180, ldrh w3, [x1]
  TL 3, 0x83828180, ldr w3, [x1]
  TL 4, 0x8786858483828180, ldr x3, [x1]
  TL 5, 0xffffff80, ldrsb w3, [x1]
  TL 6, 0xffffffffffffff80, ldrsb x3, [x1]
  TL 7, 0xffff8180, ldrsh w3, [x1]
  TL 8, 0xffffffffffff8180, ldrsh x3, [x1]
  TL 9, 0xffffffff83828180, ldrsw x3, [x1]
  TL 10, 0x10, ldrsb x3, [x1, #64]
  TL 11, 0x1110, ldrsh w3, [x1, #64]
  TL 12, 0x13121110, ldrsw x3, [x1, #64]
  TL 13, 0x81, ldrb w3, [x1, #1]
  TS 14, 0x1122334455667788, 0xdeadbeefdeadbe88, strb w3, [x5]
  TS 15, 0x1122334455667788, 0xdeadbeefdead7788, strh w3, [x5]
  TS 16, 0x1122334455667788, 0xdeadbeef55667788, str w3, [x5]
  TS 17, 0x1122334455667788, 0x1122334455667788, str x3, [x5]
  TS 18, 0x1122334455667788, 0xdeadbeefde88beef, strb w3, [x5, #2]
  TS 19, 0x1122334455667788, 0x7788beefdeadbeef, strh w3, [x5, #6]
  TS 20, 0x1122334455667788, 0x55667788deadbeef, str w3, [x5, #4]
  TL 21, 0x88, ldrb w3, [x5, #4]   /* little-endian byte order */

  /* ------------------------------------------ scaled unsigned offset */
  adr x6, big
  TL 22, 0xa5, ldrb w3, [x6, #4095]
  TL 23, 0xa55a, ldrh w3, [x6, #8190]
  TL 24, 0xdeadbeef, ldr w3, [x6, #16380]
  TL 25, 0x0123456789abcdef, ldr x3, [x6, #32760]
  TL 26, 0xffffffffffffa55a, ldrsh x3, [x6, #8190]
  TL 27, 0x9f9e9d9c9b9a9998, ldr x3, [x1, #24]

  /* ------------------------------------------ unscaled (LDUR/STUR) */
  add x7, x1, #65                  /* odd base: offsets make it aligned */
  TL 28, 0xbfbebdbcbbbab9b8, ldur x3, [x7, #-9]
  TL 29, 0x83828180, ldur w3, [x7, #-65]
  TL 30, 0xffffffffffffbfbe, ldursh x3, [x7, #-3]
  TL 31, 0xffffffbf, ldursb w3, [x7, #-2]
  TL 32, 0x1b1a1918, ldursw x3, [x7, #7]
  TL 33, 0x4f4e4d4c4b4a4948, ldur x3, [x7, #55]
  add x8, x1, #256
  TL 34, 0x8786858483828180, ldur x3, [x8, #-256]
  add x8, x5, #8
  TS 35, 0x1122334455667788, 0x1122334455667788, stur x3, [x8, #-8]
  TS 36, 0x1122334455667788, 0xdeadbeef7788beef, sturh w3, [x8, #-6]

  /* ------------------------------------------ pre/post-index writeback */
  mov x7, x1
  TL 37, 0x8f8e8d8c8b8a8988, ldr x3, [x7, #8]!
  sub x8, x7, x1
  CHECK_IMM 38, x8, 8
  TL 39, 0x8f8e8d8c8b8a8988, ldr x3, [x7], #-8
  CHECK_REG 40, x7, x1
  TL 41, 0xffffffffffffff81, ldrsb x3, [x7, #1]!
  TL 42, 0xffffff80, ldrsb w3, [x7, #-1]!
  CHECK_REG 43, x7, x1
  TL 44, 0x1110, ldrh w3, [x7, #64]!
  TL 45, 0xffffffffffffbfbe, ldrsh x3, [x7, #-2]!
  add x8, x1, #62
  CHECK_REG 46, x7, x8
  TL 47, 0xbfbe, ldrh w3, [x7], #-62
  CHECK_REG 48, x7, x1
  TL 49, 0x83828180, ldr w3, [x7], #255
  add x8, x1, #255
  CHECK_REG 50, x7, x8
  TL 51, 0xffffffff87868584, ldrsw x3, [x7, #-251]!
  add x8, x1, #4
  CHECK_REG 52, x7, x8
  mov x8, x5
  MOV64 x3, 0x1122334455667788
  str x3, [x8, #8]!
  MOV64 x3, 0xaaaaaaaabbbbbbbb
  str w3, [x8], #-8
  CHECK_REG 53, x8, x5
  ldr x4, [x5, #8]
  CHECK_IMM 54, x4, 0x11223344bbbbbbbb
  strb w3, [x8, #-1]!
  sub x9, x5, x8
  CHECK_IMM 55, x9, 1
  ldurb w4, [x5, #-1]
  CHECK_IMM 56, x4, 0xbb
  strh w3, [x8, #-1]!              /* aligned: x8 = scratch - 2 */
  ldurh w4, [x5, #-2]
  CHECK_IMM 57, x4, 0xbbbb

  /* ------------------------------------------ register offset */
  MOV64 x2, 3
  TL 58, 0x9f9e9d9c9b9a9998, ldr x3, [x1, x2, lsl #3]
  MOV64 x2, 24
  TL 59, 0x9f9e9d9c9b9a9998, ldr x3, [x1, x2]
  MOV64 x2, 0xffffffff00000005
  TL 60, 0x97969594, ldr w3, [x1, w2, uxtw #2]
  add x7, x1, #64
  MOV64 x2, 0x00000000fffffffe     /* w2 = -2 */
  TL 61, 0xb7b6b5b4b3b2b1b0, ldr x3, [x7, w2, sxtw #3]
  TL 62, 0xffffffffffffffbe, ldrsb x3, [x7, w2, sxtw]
  MOV64 x2, -8
  TL 63, 0xbfbebdbcbbbab9b8, ldr x3, [x7, x2, sxtx]
  TL 64, 0xffffffffbbbab9b8, ldrsw x3, [x7, x2, sxtx]
  MOV64 x2, -1
  TL 65, 0xbfbe, ldrh w3, [x7, x2, lsl #1]
  TL 66, 0xbf, ldrb w3, [x7, x2, lsl #0]
  TL 67, 0xffffbfbe, ldrsh w3, [x7, x2, lsl #1]
  MOV64 x2, 0x100000002
  TL 68, 0x1514, ldrh w3, [x7, w2, uxtw #1]
  MOV64 x2, 2
  TS 69, 0x1122334455667788, 0xdead7788deadbeef, strh w3, [x5, x2, lsl #1]
  MOV64 x2, 0xffffffff00000001
  TS 70, 0x1122334455667788, 0x55667788deadbeef, str w3, [x5, w2, uxtw #2]

  /* ------------------------------------------ literal */
  TL 71, 0x0123456789abcdef, ldr x3, lit_fwd
  TL 72, 0x89abcdef, ldr w3, lit_fwd
  TL 73, 0xfffffffff0e0d0c0, ldrsw x3, lit_back
  TL 74, 0xf0e0d0c0, ldr w3, lit_back

  /* ------------------------------------------ pairs */
  MOV64 x3, P
  MOV64 x4, P
  ldp x3, x4, [x1]
  CHECK_IMM 75, x3, 0x8786858483828180
  CHECK_IMM 76, x4, 0x8f8e8d8c8b8a8988
  ldp w3, w4, [x1, #64]
  CHECK_IMM 77, x3, 0x13121110
  CHECK_IMM 78, x4, 0x17161514
  ldpsw x3, x4, [x1, #4]
  CHECK_IMM 79, x3, 0xffffffff87868584
  CHECK_IMM 80, x4, 0xffffffff8b8a8988
  add x7, x1, #512
  ldp x3, x4, [x7, #-512]
  CHECK_IMM 81, x3, 0x8786858483828180
  CHECK_IMM 82, x4, 0x8f8e8d8c8b8a8988
  sub x7, x1, #504 - 64
  ldp x3, x4, [x7, #504]
  CHECK_IMM 83, x3, 0x1716151413121110
  CHECK_IMM 84, x4, 0x1f1e1d1c1b1a1918
  mov x7, x1
  ldp x3, x4, [x7, #16]!
  CHECK_IMM 85, x3, 0x9796959493929190
  CHECK_IMM 86, x4, 0x9f9e9d9c9b9a9998
  ldp w3, w4, [x7], #-16
  CHECK_IMM 87, x3, 0x93929190
  CHECK_IMM 88, x4, 0x97969594
  CHECK_REG 89, x7, x1
  ldpsw x3, x4, [x7, #64]!
  CHECK_IMM 90, x4, 0x17161514
  sub x7, x7, #64
  CHECK_REG 91, x7, x1
  mov x8, x5
  MOV64 x3, 0x1111111111111111
  MOV64 x4, 0x2222222222222222
  stp x3, x4, [x8, #16]!
  stp w4, w3, [x8], #-16
  CHECK_REG 92, x8, x5
  ldp x3, x4, [x5, #16]
  CHECK_IMM 93, x3, 0x1111111122222222
  CHECK_IMM 94, x4, 0x2222222222222222
  stp xzr, x3, [x5]
  ldp x6, x7, [x5]
  CHECK_IMM 95, x6, 0
  CHECK_IMM 96, x7, 0x1111111122222222
  MOV64 x3, 0x3333333333333333
  stnp x3, xzr, [x5, #32]
  ldnp x6, x7, [x5, #32]
  CHECK_IMM 97, x6, 0x3333333333333333
  CHECK_IMM 98, x7, 0
  ldnp w6, w7, [x1, #64]
  CHECK_IMM 99, x6, 0x13121110
  CHECK_IMM 100, x7, 0x17161514

  /* ------------------------------------------ SP as base, XZR */
  mov x20, sp
  adr x8, sp_area_top
  mov sp, x8
  MOV64 x3, 0x4444444444444444
  str x3, [sp, #-16]!
  mov x9, sp
  sub x9, x8, x9
  CHECK_IMM 101, x9, 16
  ldr x4, [sp], #16
  CHECK_IMM 102, x4, 0x4444444444444444
  mov x9, sp
  CHECK_REG 103, x9, x8
  MOV64 x4, 0x5555555555555555
  stp x3, x4, [sp, #-32]!
  ldp x6, x7, [sp]
  CHECK_IMM 104, x6, 0x4444444444444444
  CHECK_IMM 105, x7, 0x5555555555555555
  ldr w6, [sp, #8]
  CHECK_IMM 106, x6, 0x55555555
  str xzr, [sp, #8]                /* XZR, not SP */
  ldr x7, [sp, #8]
  CHECK_IMM 107, x7, 0
  strb wzr, [sp]
  ldr x6, [sp]
  CHECK_IMM 108, x6, 0x4444444444444400
  ldr xzr, [sp]                    /* discarded */
  ldp x6, x7, [sp], #32
  mov x9, sp
  CHECK_REG 109, x9, x8
  mov sp, x20

  /* ------------------------------------------ PRFM never faults */
  prfm pldl1keep, [x1]
  prfm pstl2strm, [x1, #8]
  prfm plil1keep, [x1, x2]
  prfm pldl3keep, lit_fwd
  MOV64 x6, 0x0c000000             /* no device there */
  prfm pldl1keep, [x6]
  prfm pstl1keep, [x6, #1]         /* misaligned too */
  MOV64 x6, 0xffff000000001000     /* TTBR1 region, no translation */
  prfm pldl1strm, [x6]
  prfum pldl1keep, [x1, #-3]

  PASS

  .balign 8
lit_fwd:
  .quad 0x0123456789abcdef

  .data
  .balign 64
buf:
  .set i, 0
  .rept 64
  .byte 0x80 + i
  .set i, i + 1
  .endr
  .set i, 0
  .rept 64
  .byte 0x10 + i
  .set i, i + 1
  .endr

  .balign 8
big:
  .quad 0
  .org big + 4095
  .byte 0xa5
  .org big + 8190
  .hword 0xa55a
  .org big + 16380
  .word 0xdeadbeef
  .org big + 32760
  .quad 0x0123456789abcdef

  .bss
  .balign 16
  .skip 16
scratch:
  .skip 256
sp_area:
  .skip 256
sp_area_top:
