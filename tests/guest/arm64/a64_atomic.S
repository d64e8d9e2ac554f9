/*
 * a64_atomic.S - exclusives, load-acquire/store-release and LSE atomics.
 *
 * Runs with the MMU on (mmu_on(): identity map, Normal write-back
 * memory), because exclusives and atomics on the Device memory of the
 * MMU-off state may fault or not be supported (Arm ARM B2.9.x).
 *
 * Every LSE memory operation LDADD/LDCLR/LDEOR/LDSET/LDSMAX/LDSMIN/
 * LDUMAX/LDUMIN in every size (B, H, W, X) and ordering (none, A, AL, L):
 * the old value returned zero-extended in Rt, the memory result, the
 * bytes next to a narrow operand untouched, the upper bits of a W source
 * ignored (LSE4 n covers checks n..n+3).  ST<op> aliases (Rt = XZR).
 * SWP in every size; CAS (B, H, W, X, A/AL/L) with compare equal and not
 * equal (Rs gets the old value either way); CASP (W and X pairs).
 * LDXR/STXR (status 0 and stored), STXR failing after CLREX and after a
 * successful STXR (status 1, memory unchanged), LDAXR/STLXR, byte/half/
 * word exclusives with zero extension, LDXP/STXP and LDAXP/STLXP;
 * LDAR/STLR in every size, LDAPR (RCpc) if ID_AA64ISAR1_EL1.LRCPC.
 *
 * x5 = mem (16-byte aligned), old values in memory, operands in x1,
 * results in x3; CHECK_IMM uses x16.
 */
#include "test.h"

#define P  0xdeadbeefdeadbeef
#define BG 0xa5a5a5a5a5a5a5a5

/* mem quad = BG with its low \sz part = \old */
.macro SETMEM sz, old
  MOV64 x6, BG
  str x6, [x5]
  MOV64 x6, \old
  .ifc \sz, b
  strb w6, [x5]
  .endif
  .ifc \sz, h
  strh w6, [x5]
  .endif
  .ifc \sz, w
  str w6, [x5]
  .endif
  .ifc \sz, x
  str x6, [x5]
  .endif
.endm

/* low-part mask and upper garbage of the W source per size */
.macro SZVARS sz
  .ifc \sz, b
  .set MASK, 0xff
  .set JUNK, 0xdeadbeefdeadbe00
  .endif
  .ifc \sz, h
  .set MASK, 0xffff
  .set JUNK, 0xdeadbeefdead0000
  .endif
  .ifc \sz, w
  .set MASK, 0xffffffff
  .set JUNK, 0xdeadbeef00000000
  .endif
  .ifc \sz, x
  .set MASK, 0xffffffffffffffff
  .set JUNK, 0
  .endif
.endm

/* \op\ord{b,h} w1, w3, [x5] or \op\ord w1/x1, w3/x3, [x5] */
.macro LSE n, op, ord, sz, old, opnd, new
  SZVARS \sz
  SETMEM \sz, \old
  MOV64 x1, JUNK | (\opnd)
  MOV64 x3, P
  .ifc \sz, b
  \op\ord\()b w1, w3, [x5]
  .endif
  .ifc \sz, h
  \op\ord\()h w1, w3, [x5]
  .endif
  .ifc \sz, w
  \op\ord w1, w3, [x5]
  .endif
  .ifc \sz, x
  \op\ord x1, x3, [x5]
  .endif
  CHECK_IMM \n, x3, \old
  ldr x6, [x5]
  CHECK_IMM \n, x6, (BG & ~MASK) | (\new)
.endm

/* checks n..n+3: orderings none, A, AL, L */
.macro LSE4 n, op, sz, old, opnd, new
  LSE \n, \op, , \sz, \old, \opnd, \new
  LSE \n+1, \op, a, \sz, \old, \opnd, \new
  LSE \n+2, \op, al, \sz, \old, \opnd, \new
  LSE \n+3, \op, l, \sz, \old, \opnd, \new
.endm

/* insn on mem = old; check x3 (result register) and the memory quad */
.macro TM n, sz, old, r3, exp3, expmem, insn:vararg
  SZVARS \sz
  SETMEM \sz, \old
  MOV64 x3, \r3
  \insn
  CHECK_IMM \n, x3, \exp3
  ldr x6, [x5]
  CHECK_IMM \n, x6, (BG & ~MASK) | (\expmem)
.endm

  .text
  .globl main
main:
  stp x29, x30, [sp, #-16]!
  bl mmu_on
  adrp x5, mem
  add x5, x5, :lo12:mem

  /* ------------------------------------------------------ LSE ops */
  LSE4 1, ldadd, b, 0xff, 0x01, 0x00
  LSE4 5, ldadd, h, 0xfffe, 0x0003, 0x0001
  LSE4 9, ldadd, w, 0xffffffff, 0x2, 0x1
  LSE4 13, ldadd, x, 0xffffffffffffffff, 0x2, 0x1
  LSE4 17, ldclr, b, 0xf5, 0x0f, 0xf0
  LSE4 21, ldclr, h, 0xffff, 0x00ff, 0xff00
  LSE4 25, ldclr, w, 0x12345678, 0xf0f0f0f0, 0x02040608
  LSE4 29, ldclr, x, 0xffffffffffffffff, 0x8000000000000001, 0x7ffffffffffffffe
  LSE4 33, ldeor, b, 0x55, 0xff, 0xaa
  LSE4 37, ldeor, h, 0x1234, 0xffff, 0xedcb
  LSE4 41, ldeor, w, 0x12345678, 0x0f0f0f0f, 0x1d3b5977
  LSE4 45, ldeor, x, 0x0123456789abcdef, 0xffffffffffffffff, 0xfedcba9876543210
  LSE4 49, ldset, b, 0x50, 0x05, 0x55
  LSE4 53, ldset, h, 0x8000, 0x0001, 0x8001
  LSE4 57, ldset, w, 0x80000000, 0x1, 0x80000001
  LSE4 61, ldset, x, 0x8000000000000000, 0x1, 0x8000000000000001
  LSE4 65, ldsmax, b, 0x80, 0x7f, 0x7f
  LSE4 69, ldsmax, h, 0xffff, 0x0001, 0x0001
  LSE4 73, ldsmax, w, 0x7fffffff, 0x80000000, 0x7fffffff
  LSE4 77, ldsmax, x, 0xffffffffffffffff, 0x1, 0x1
  LSE4 81, ldsmin, b, 0x01, 0xff, 0xff
  LSE4 85, ldsmin, h, 0x7fff, 0x8000, 0x8000
  LSE4 89, ldsmin, w, 0x80000000, 0x7fffffff, 0x80000000
  LSE4 93, ldsmin, x, 0x1, 0x8000000000000000, 0x8000000000000000
  LSE4 97, ldumax, b, 0x01, 0xff, 0xff
  LSE4 101, ldumax, h, 0x8000, 0x7fff, 0x8000
  LSE4 105, ldumax, w, 0x7fffffff, 0x80000000, 0x80000000
  LSE4 109, ldumax, x, 0x1, 0xffffffffffffffff, 0xffffffffffffffff
  LSE4 113, ldumin, b, 0xff, 0x01, 0x01
  LSE4 117, ldumin, h, 0x8000, 0x7fff, 0x7fff
  LSE4 121, ldumin, w, 0x80000000, 0x7fffffff, 0x7fffffff
  LSE4 125, ldumin, x, 0xffffffffffffffff, 0x1, 0x1
  /* ST<op>: Rt = XZR, memory only */
  MOV64 x1, 5
  TM 129, x, 10, P, P, 15, stadd x1, [x5]
  TM 130, w, 0xf0, P, P, 0xf5, stsetl w1, [x5]
  TM 131, b, 0x80, P, P, 0x05, stsmaxb w1, [x5]

  /* ------------------------------------------------------ SWP */
  MOV64 x1, 0x1122334455667788
  TM 132, b, 0x99, P, 0x99, 0x88, swpb w1, w3, [x5]
  TM 133, h, 0x9999, P, 0x9999, 0x7788, swpah w1, w3, [x5]
  TM 134, w, 0x99999999, P, 0x99999999, 0x55667788, swpal w1, w3, [x5]
  TM 135, x, 0x9999999999999999, P, 0x9999999999999999, 0x1122334455667788, swpl x1, x3, [x5]

  /* ------------------------------------------------------ CAS */
  MOV64 x1, 0x1122334455667788     /* new value */
  TM 136, x, 0x1234, 0x1234, 0x1234, 0x1122334455667788, cas x3, x1, [x5]
  TM 137, x, 0x1234, 0x1235, 0x1234, 0x1234, cas x3, x1, [x5]
  TM 138, w, 0x1234, 0xffffffff00001234, 0x1234, 0x55667788, casa w3, w1, [x5]
  TM 139, w, 0x1234, 0x4321, 0x1234, 0x1234, casal w3, w1, [x5]
  TM 140, h, 0xabcd, 0xffffffffffffabcd, 0xabcd, 0x7788, caslh w3, w1, [x5]
  TM 141, h, 0xabcd, 0xabce, 0xabcd, 0xabcd, cash w3, w1, [x5]
  TM 142, b, 0xab, 0x123456ab, 0xab, 0x88, casab w3, w1, [x5]
  TM 143, b, 0xab, 0xac, 0xab, 0xab, casalb w3, w1, [x5]
  TM 144, x, -1, -1, -1, 0x1122334455667788, casl x3, x1, [x5]
  /* CASP: Rs pair x2:x3 compared with mem[0..15], Rt pair x6:x7 stored */
  MOV64 x6, 0x1111111111111111
  MOV64 x7, 0x2222222222222222
  stp x6, x7, [x5]
  MOV64 x2, 0x1111111111111111
  MOV64 x3, 0x2222222222222222
  MOV64 x8, 0x3333333333333333
  MOV64 x9, 0x4444444444444444
  casp x2, x3, x8, x9, [x5]        /* equal: stores x8:x9 */
  ldp x10, x11, [x5]
  CHECK_IMM 145, x2, 0x1111111111111111
  CHECK_IMM 145, x3, 0x2222222222222222
  CHECK_IMM 146, x10, 0x3333333333333333
  CHECK_IMM 146, x11, 0x4444444444444444
  MOV64 x2, 0x3333333333333333
  MOV64 x3, 0x5555555555555555     /* high half differs */
  caspal x2, x3, x6, x7, [x5]
  ldp x10, x11, [x5]
  CHECK_IMM 147, x2, 0x3333333333333333
  CHECK_IMM 147, x3, 0x4444444444444444
  CHECK_IMM 148, x10, 0x3333333333333333
  CHECK_IMM 148, x11, 0x4444444444444444
  MOV64 x2, 0xffffffff33333333     /* W pair: upper halves ignored */
  MOV64 x3, 0xffffffff33333333
  MOV64 x8, 0x5555555566666666
  MOV64 x9, 0x7777777788888888
  caspa w2, w3, w8, w9, [x5]       /* mem word 0/1 = 0x33333333 */
  ldp x10, x11, [x5]
  CHECK_IMM 149, x2, 0x33333333
  CHECK_IMM 149, x3, 0x33333333
  CHECK_IMM 150, x10, 0x8888888866666666
  CHECK_IMM 150, x11, 0x4444444444444444

  /* ------------------------------------------------------ exclusives */
  MOV64 x6, 0x1111111111111111
  str x6, [x5]
  MOV64 x7, 0x2222222222222222
  ldxr x3, [x5]
  stxr w4, x7, [x5]
  ldr x8, [x5]
  CHECK_IMM 151, x3, 0x1111111111111111
  CHECK_IMM 152, x4, 0
  CHECK_IMM 153, x8, 0x2222222222222222
  MOV64 x4, P
  stxr w4, x6, [x5]                /* monitor cleared by the last STXR */
  ldr x8, [x5]
  CHECK_IMM 154, x4, 1
  CHECK_IMM 155, x8, 0x2222222222222222
  ldxr x3, [x5]
  clrex
  stxr w4, x6, [x5]
  ldr x8, [x5]
  CHECK_IMM 156, x4, 1
  CHECK_IMM 157, x8, 0x2222222222222222
  ldaxr x3, [x5]
  stlxr w4, x6, [x5]
  ldr x8, [x5]
  CHECK_IMM 158, x4, 0
  CHECK_IMM 159, x8, 0x1111111111111111
  MOV64 x6, 0xf0e0d0c0b0a09080
  str x6, [x5]
  MOV64 x3, P
  MOV64 x7, 0x1234567876543210
  ldxrb w3, [x5]
  stxrb w4, w7, [x5]
  ldr x8, [x5]
  CHECK_IMM 160, x3, 0x80
  CHECK_IMM 161, x4, 0
  CHECK_IMM 162, x8, 0xf0e0d0c0b0a09010
  ldaxrh w3, [x5]
  stlxrh w4, w7, [x5]
  ldr x8, [x5]
  CHECK_IMM 163, x3, 0x9010
  CHECK_IMM 164, x4, 0
  CHECK_IMM 165, x8, 0xf0e0d0c0b0a03210
  ldxr w3, [x5]
  stxr w4, w7, [x5]
  ldr x8, [x5]
  CHECK_IMM 166, x3, 0xb0a03210
  CHECK_IMM 167, x4, 0
  CHECK_IMM 168, x8, 0xf0e0d0c076543210
  /* pairs */
  MOV64 x6, 0x1111111111111111
  MOV64 x7, 0x2222222222222222
  stp x6, x7, [x5]
  MOV64 x8, 0x3333333333333333
  MOV64 x9, 0x4444444444444444
  ldxp x2, x3, [x5]
  stxp w4, x8, x9, [x5]
  ldp x10, x11, [x5]
  CHECK_IMM 169, x2, 0x1111111111111111
  CHECK_IMM 169, x3, 0x2222222222222222
  CHECK_IMM 170, x4, 0
  CHECK_IMM 171, x10, 0x3333333333333333
  CHECK_IMM 171, x11, 0x4444444444444444
  ldaxp w2, w3, [x5]
  stlxp w4, w6, w7, [x5]
  ldp x10, x11, [x5]
  CHECK_IMM 172, x2, 0x33333333
  CHECK_IMM 172, x3, 0x33333333
  CHECK_IMM 173, x4, 0
  CHECK_IMM 174, x10, 0x2222222211111111
  CHECK_IMM 174, x11, 0x4444444444444444
  ldxp x2, x3, [x5]
  clrex
  stxp w4, x8, x9, [x5]
  ldp x10, x11, [x5]
  CHECK_IMM 175, x4, 1
  CHECK_IMM 176, x10, 0x2222222211111111

  /* ------------------------------------------- load-acquire/store-release */
  MOV64 x6, 0x8182838485868788
  str x6, [x5]
  MOV64 x3, P
  ldar x3, [x5]
  CHECK_IMM 177, x3, 0x8182838485868788
  ldar w3, [x5]
  CHECK_IMM 178, x3, 0x85868788
  ldarh w3, [x5]
  CHECK_IMM 179, x3, 0x8788
  ldarb w3, [x5]
  CHECK_IMM 180, x3, 0x88
  MOV64 x7, 0x0102030405060708
  stlrb w7, [x5]
  ldr x8, [x5]
  CHECK_IMM 181, x8, 0x8182838485868708
  stlrh w7, [x5]
  ldr x8, [x5]
  CHECK_IMM 182, x8, 0x8182838485860708
  stlr w7, [x5]
  ldr x8, [x5]
  CHECK_IMM 183, x8, 0x8182838405060708
  stlr x7, [x5]
  ldr x8, [x5]
  CHECK_IMM 184, x8, 0x0102030405060708
  mrs x2, id_aa64isar1_el1
  ubfx x2, x2, #20, #4             /* LRCPC */
  cbz x2, 1f
  MOV64 x3, P
  .arch_extension rcpc
  ldapr x3, [x5]
  CHECK_IMM 185, x3, 0x0102030405060708
  ldaprb w3, [x5]
  CHECK_IMM 186, x3, 0x08
1:

  ldp x29, x30, [sp], #16
  mov w0, #0
  ret

  .bss
  .balign 16
mem:
  .skip 16
