/*
 * test.h - shared definitions for the wvm bare-metal guest tests.
 *
 * Result convention (HTIF tohost, as Spike / riscv-tests):
 *   tohost = 1              PASS
 *   tohost = (n << 1) | 1   FAIL, check number n
 * followed by a write to the sifive_test device at 0x100000
 * (0x5555 pass, (n << 16) | 0x3333 fail) so that QEMU exits too.
 *
 * Failure codes:
 *   1..229    check numbers of the individual test
 *   230       test_fail(0) was called (bug in a test)
 *   231       unexpected interrupt reached the default M-mode handler
 *   239       unexpected exception with mcause > 15
 *   240 + c   unexpected exception with mcause c (0..15)
 * On an unexpected trap the default handler also stores mcause/mepc/mtval
 * in the globals unexpected_mcause/unexpected_mepc/unexpected_mtval.
 *
 * This header is usable from C (test.h) and from assembly (.S) files.
 */
#ifndef WVM_TEST_H
#define WVM_TEST_H

#define FAIL_ZERO           230
#define FAIL_UNEXP_IRQ      231
#define FAIL_UNEXP_EXC_BIG  239
#define FAIL_UNEXP_EXC_BASE 240

/* a7 values recognised by the crt trap handlers on an ecall */
#define MODE_EXIT_MAGIC 0x5e7e0001  /* return from run_mode*() to M mode, a0 = value */
#define MODE_FAIL_MAGIC 0x5e7e0002  /* test_fail(a0) from S/U mode */

/* Machine map */
#define RAM_BASE        0x80000000UL
#define SIFIVE_TEST     0x00100000UL
#define CLINT_BASE      0x02000000UL
#define CLINT_MSIP      (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP  (CLINT_BASE + 0x4000)
#define CLINT_MTIME     (CLINT_BASE + 0xbff8)

/* mstatus bits */
#define MSTATUS_SIE   (1UL << 1)
#define MSTATUS_MIE   (1UL << 3)
#define MSTATUS_SPIE  (1UL << 5)
#define MSTATUS_UBE   (1UL << 6)
#define MSTATUS_MPIE  (1UL << 7)
#define MSTATUS_SPP   (1UL << 8)
#define MSTATUS_VS    (3UL << 9)
#define MSTATUS_MPP   (3UL << 11)
#define MSTATUS_MPP_S (1UL << 11)
#define MSTATUS_MPP_M (3UL << 11)
#define MSTATUS_FS    (3UL << 13)
#define MSTATUS_FS_INITIAL (1UL << 13)
#define MSTATUS_FS_CLEAN   (2UL << 13)
#define MSTATUS_FS_DIRTY   (3UL << 13)
#define MSTATUS_XS    (3UL << 15)
#define MSTATUS_MPRV  (1UL << 17)
#define MSTATUS_SUM   (1UL << 18)
#define MSTATUS_MXR   (1UL << 19)
#define MSTATUS_TVM   (1UL << 20)
#define MSTATUS_TW    (1UL << 21)
#define MSTATUS_TSR   (1UL << 22)
#define MSTATUS_UXL   (3UL << 32)
#define MSTATUS_SXL   (3UL << 34)
#define MSTATUS_SD    (1UL << 63)

/* interrupt numbers / mip-mie bits */
#define IRQ_S_SOFT 1
#define IRQ_M_SOFT 3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT 9
#define IRQ_M_EXT 11
#define MIP_SSIP (1UL << IRQ_S_SOFT)
#define MIP_MSIP (1UL << IRQ_M_SOFT)
#define MIP_STIP (1UL << IRQ_S_TIMER)
#define MIP_MTIP (1UL << IRQ_M_TIMER)
#define MIP_SEIP (1UL << IRQ_S_EXT)
#define MIP_MEIP (1UL << IRQ_M_EXT)

/* exception causes */
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL_INSN     2
#define CAUSE_BREAKPOINT       3
#define CAUSE_MISALIGNED_LOAD  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_USER_ECALL       8
#define CAUSE_SUPERVISOR_ECALL 9
#define CAUSE_MACHINE_ECALL    11
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT  13
#define CAUSE_STORE_PAGE_FAULT 15
#define CAUSE_INTR (1UL << 63)

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* trap frame layout (crt.S builds it on the trap stack) */
#define TF_X(n)    ((n) * 8)
#define TF_CAUSE   256
#define TF_EPC     264
#define TF_TVAL    272
#define TF_STATUS  280
#define TF_SIZE    288

#ifndef __ASSEMBLER__
/* ------------------------------------------------------------------ C */
#include <stdint.h>
#include <stddef.h>

typedef unsigned long ulong;

struct trapframe {
  ulong x[32];   /* x[0] unused; x[2] = sp at the time of the trap */
  ulong cause;   /* mcause / scause */
  ulong epc;     /* mepc / sepc: written back on return */
  ulong tval;    /* mtval / stval */
  ulong status;  /* mstatus / sstatus: written back on return */
};

typedef void (*trap_handler_t)(struct trapframe *tf);
/* Set by a test to take over traps (after the crt's own ecall magic). */
extern volatile trap_handler_t m_trap_handler;
extern volatile trap_handler_t s_trap_handler;
extern volatile ulong unexpected_mcause, unexpected_mepc, unexpected_mtval;

extern volatile uint64_t tohost, fromhost;

void test_pass(void) __attribute__((noreturn));
void test_fail(ulong n) __attribute__((noreturn));
void m_trap_entry(void);   /* default mtvec target (direct mode) */
void s_trap_entry(void);   /* stvec target for tests that use S handlers */

/*
 * Run code in a lower (or the same) privilege mode and come back.
 * run_mode(mode, fn, arg): mret into fn(arg) in `mode` on the current
 * stack; when fn returns (to mode_exit, which does ecall with
 * a7 = MODE_EXIT_MAGIC) the call returns fn's a0 in M mode.
 * run_mode_at(): same with explicit pc, sp and ra (for code running
 * at an aliased virtual address).  MIE is restored on return; MPRV is 0.
 */
long run_mode(int mode, long (*fn)(long), long arg);
long run_mode_at(int mode, ulong pc, ulong sp, long arg, ulong ra);
void mode_exit(void);

#define CHECK(n, cond) do { if (!(cond)) test_fail(n); } while (0)
#define CHECK_EQ(n, a, b) do { if ((ulong)(a) != (ulong)(b)) test_fail(n); } while (0)

#define STR_(x) #x
#define STR(x) STR_(x)
#define csr_read(csr) ({ ulong __v; \
  __asm__ volatile ("csrr %0, " #csr : "=r"(__v) :: "memory"); __v; })
#define csr_write(csr, val) ({ ulong __v = (ulong)(val); \
  __asm__ volatile ("csrw " #csr ", %0" :: "rK"(__v) : "memory"); })
#define csr_swap(csr, val) ({ ulong __v = (ulong)(val); \
  __asm__ volatile ("csrrw %0, " #csr ", %1" : "=r"(__v) : "rK"(__v) : "memory"); __v; })
#define csr_set(csr, val) ({ ulong __v = (ulong)(val); \
  __asm__ volatile ("csrrs %0, " #csr ", %1" : "=r"(__v) : "rK"(__v) : "memory"); __v; })
#define csr_clear(csr, val) ({ ulong __v = (ulong)(val); \
  __asm__ volatile ("csrrc %0, " #csr ", %1" : "=r"(__v) : "rK"(__v) : "memory"); __v; })

static inline void mmio_write32(ulong a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint32_t mmio_read32(ulong a) { return *(volatile uint32_t *)a; }
static inline void mmio_write64(ulong a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint64_t mmio_read64(ulong a) { return *(volatile uint64_t *)a; }

/* Seeded pseudo-random numbers of the attack tests (xorshift64*): set
 * rng_state (non-zero) to seed it. */
static uint64_t rng_state;
static inline uint64_t rnd(void)
{
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dUL;
}

/*
 * is_qemu(): nonzero when running on QEMU (mvendorid 0, marchid == mimpid
 * == QEMU's version number major<<16 | minor<<8 | micro, major 4..15).
 * Used ONLY to skip/relax checks where QEMU 7.2 deviates from the spec;
 * each use is documented in the test.  wvm must not report this pattern.
 */
int is_qemu(void);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#else
/* ------------------------------------------------------------ assembly */
  .option nopic            /* la = absolute (pc-relative) address, no GOT */

/* Fail with check number \n if \reg != \val (val loaded into t6). */
.macro CHECK_IMM n, reg, val
  li t6, \val
  beq \reg, t6, .Lchk_ok\@
  li a0, \n
  j test_fail
.Lchk_ok\@:
.endm

/* Fail with check number \n if \ra != \rb. */
.macro CHECK_REG n, ra, rb
  beq \ra, \rb, .Lchk_ok\@
  li a0, \n
  j test_fail
.Lchk_ok\@:
.endm

.macro FAIL n
  li a0, \n
  j test_fail
.endm

.macro PASS
  j test_pass
.endm

#endif /* __ASSEMBLER__ */
#endif /* WVM_TEST_H */
