/*
 * test.h - shared definitions of the wvm AArch64 guest tests.
 *
 * Result convention (Arm semihosting, `hlt #0xf000`, w0 = operation,
 * x1 = parameter): the test ends with SYS_EXIT_EXTENDED (0x20), x1 ->
 * {ADP_Stopped_ApplicationExit, code}; QEMU and wvm exit with `code`.
 * Before a failing exit, one line goes out through SYS_WRITE0.
 *
 * Exit codes:
 *   0         PASS
 *   1..229    number of the failed check of the test
 *   230       test_fail(0) (a bug in a test)
 *   240       unexpected synchronous exception at EL1 (vector 0x200)
 *   241       unexpected synchronous exception at EL1 with SP_EL0 (0x000)
 *   242       unexpected synchronous exception from EL0 (vector 0x400)
 *   243       unexpected IRQ       244  unexpected FIQ
 *   245       unexpected SError    246  exception from AArch32 (0x600)
 *   250       not started at EL1 (CurrentEL printed)
 * An unexpected exception prints "FAIL code vec=.. ESR=.. ELR=.. FAR=..
 * SPSR=..", a failed check "FAIL n".
 *
 * This header is usable from C and from assembly (.S) files.
 */
#ifndef WVM_A64_TEST_H
#define WVM_A64_TEST_H

#define FAIL_ZERO       230
#define FAIL_EXC_EL1    240
#define FAIL_EXC_EL1T   241
#define FAIL_EXC_EL0    242
#define FAIL_IRQ        243
#define FAIL_FIQ        244
#define FAIL_SERROR     245
#define FAIL_AARCH32    246
#define FAIL_NOT_EL1    250

/* `svc #SVC_MAGIC` with x8 = one of these is handled by the crt */
#define SVC_MAGIC       0x5e7e
#define EL0_EXIT_MAGIC  0x5e7e0001  /* return from run_el0(), x0 = value */
#define EL0_FAIL_MAGIC  0x5e7e0002  /* test_fail(x0) from EL0 */

/* semihosting (wvm also implements SYS_WRITEC 0x03 and SYS_EXIT 0x18) */
#define SEMI_WRITE0         0x04
#define SEMI_EXIT_EXTENDED  0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/* machine: QEMU virt */
#define RAM_BASE        0x40000000UL
#define RAM_SIZE        0x08000000UL

/* vector table offsets (trapframe.vec) */
#define VEC_EL1T        0x000   /* current EL, SP_EL0 */
#define VEC_EL1H        0x200   /* current EL, SP_ELx */
#define VEC_EL0_64      0x400   /* lower EL, AArch64 */
#define VEC_EL0_32      0x600   /* lower EL, AArch32 */
#define VEC_SYNC        0x000
#define VEC_IRQ         0x080
#define VEC_FIQ         0x100
#define VEC_SERROR      0x180

/* PSTATE / SPSR_EL1 */
#define PSR_M_EL0T      0x0
#define PSR_M_EL1T      0x4
#define PSR_M_EL1H      0x5
#define PSR_F           0x40
#define PSR_I           0x80
#define PSR_A           0x100
#define PSR_D           0x200
#define PSR_DAIF        0x3c0
#define PSR_V           0x10000000
#define PSR_C           0x20000000
#define PSR_Z           0x40000000
#define PSR_N           0x80000000   /* hex: unsigned in C */

/* ESR_EL1 */
#define ESR_IL          (1 << 25)
#define EC_UNKNOWN      0x00
#define EC_SVC64        0x15
#define EC_SYSREG       0x18
#define EC_IABT_LOW     0x20
#define EC_IABT_CUR     0x21
#define EC_PC_ALIGN     0x22
#define EC_DABT_LOW     0x24
#define EC_DABT_CUR     0x25
#define EC_SP_ALIGN     0x26
#define EC_BRK64        0x3c
#define ISS_WNR         (1 << 6)     /* data abort: write not read */
#define ISS_FSC         0x3f         /* data/instruction abort status */
#define FSC_TRANS(l)    (0x04 + (l)) /* translation fault, level l */
#define FSC_ACCESS(l)   (0x08 + (l)) /* access flag fault */
#define FSC_PERM(l)     (0x0c + (l)) /* permission fault */
#define FSC_ALIGN       0x21

/* SCTLR_EL1 */
#define SCTLR_M         (1 << 0)
#define SCTLR_A         (1 << 1)
#define SCTLR_C         (1 << 2)
#define SCTLR_SA0       (1 << 4)
#define SCTLR_UMA       (1 << 9)
#define SCTLR_I         (1 << 12)
/* crt value: MMU, caches and alignment checks off, EL0 traps on
   (UMA = UCT = DZE = UCI = nTWI = nTWE = 0), SPAN = EIS = EOS = 1,
   and the other RES1 bits of ARMv8.0 (11, 20, 22, 23, 28, 29) */
#define SCTLR_INIT      0x30d00800

/* trapframe layout (crt.S builds it on SP_EL1) */
#define TF_X(n)         ((n) * 8)
#define TF_SP_EL0       248
#define TF_ELR          256
#define TF_SPSR         264
#define TF_ESR          272
#define TF_FAR          280
#define TF_VEC          288
#define TF_SIZE         304

#ifndef __ASSEMBLER__
/* ------------------------------------------------------------------ C */
#include <stdint.h>
#include <stddef.h>

typedef unsigned long ulong;

struct trapframe {
  ulong x[31];      /* x0..x30 of the interrupted context */
  ulong sp_el0;     /* written back on return */
  ulong elr;        /* ELR_EL1: written back on return */
  ulong spsr;       /* SPSR_EL1: written back on return */
  ulong esr;        /* ESR_EL1 */
  ulong far;        /* FAR_EL1 */
  ulong vec;        /* offset of the vector taken (VEC_*) */
  ulong pad;
};

#define ESR_EC(esr)     (((esr) >> 26) & 0x3f)

/*
 * Exception handlers a test may define (weak defaults return 1).
 * Return 0 when handled: the crt returns to tf->elr with tf->spsr.
 * Return nonzero for "not mine": the test fails with 240..246.
 *   el1_sync_handler: synchronous, from EL1 (vec 0x000 or 0x200)
 *   el0_sync_handler: synchronous, from EL0 (vec 0x400), except the
 *                     crt's own `svc #SVC_MAGIC`
 *   irq_handler, fiq_handler, serror_handler: any origin
 */
int el1_sync_handler(struct trapframe *tf);
int el0_sync_handler(struct trapframe *tf);
int irq_handler(struct trapframe *tf);
int fiq_handler(struct trapframe *tf);
int serror_handler(struct trapframe *tf);

void test_pass(void) __attribute__((noreturn));
void test_fail(ulong n) __attribute__((noreturn));   /* also from EL0 */
void put_str(const char *s);                         /* SYS_WRITE0, EL1 */

/*
 * run_el0(fn, arg): run fn(arg) at EL0 (SPSR = EL0t, DAIF masked) on the
 * EL0 stack (SP_EL0 = __el0_stack_top); fn returns to a stub that does
 * `svc #SVC_MAGIC` with x8 = EL0_EXIT_MAGIC, and run_el0 returns fn's
 * value at EL1.
 */
long run_el0(long (*fn)(long), long arg);
extern char __el0_stack_top[], __text_start[], __text_end[], _end[];

#define CHECK(n, cond) do { if (!(cond)) test_fail(n); } while (0)

#define STR_(x) #x
#define STR(x) STR_(x)
#define read_sysreg(r) ({ ulong __v; \
  __asm__ volatile ("mrs %0, " #r : "=r"(__v) :: "memory"); __v; })
#define write_sysreg(r, v) do { ulong __v = (ulong)(v); \
  __asm__ volatile ("msr " #r ", %0" :: "r"(__v) : "memory"); } while (0)
#define isb() __asm__ volatile ("isb" ::: "memory")
#define dsb(opt) __asm__ volatile ("dsb " #opt ::: "memory")

/*
 * is_qemu(): MIDR_EL1 is that of QEMU's -cpu max (implementer 0, part
 * 0x051).  Used ONLY to relax checks where QEMU 7.2 deviates from the
 * Arm ARM; each use is documented in its test.  wvm must not report it.
 */
#define QEMU_MAX_MIDR   0x000f0510UL
int is_qemu(void);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#else
/* ------------------------------------------------------------ assembly */

/* \reg = 64-bit constant \val (always movz + 3 x movk) */
.macro MOV64 reg, val
  movz \reg, #((\val) & 0xffff)
  movk \reg, #(((\val) >> 16) & 0xffff), lsl #16
  movk \reg, #(((\val) >> 32) & 0xffff), lsl #32
  movk \reg, #(((\val) >> 48) & 0xffff), lsl #48
.endm

/*
 * The checks use x16 as scratch and keep NZCV: fail with check number
 * \n if X register \reg != \val (CHECK_IMM) or \ra != \rb (CHECK_REG).
 */
.macro CHECK_IMM n, reg, val
  MOV64 x16, \val
  sub x16, \reg, x16
  cbz x16, .Lchk_ok\@
  mov x0, #\n
  b test_fail
.Lchk_ok\@:
.endm

.macro CHECK_REG n, ra, rb
  sub x16, \ra, \rb
  cbz x16, .Lchk_ok\@
  mov x0, #\n
  b test_fail
.Lchk_ok\@:
.endm

.macro FAIL n
  mov x0, #\n
  b test_fail
.endm

.macro PASS
  b test_pass
.endm

#endif /* __ASSEMBLER__ */
#endif /* WVM_A64_TEST_H */
