/*
 * trap.c - synchronous exceptions and privilege transitions.
 *
 *  - ecall from U, S, M: mcause 8, 9, 11, mepc = the ecall, mtval = 0
 *  - ebreak (32-bit, from M and U): mcause 3, mepc = pc; mtval = pc or 0
 *    (the spec allows either; QEMU writes the pc)
 *  - illegal instruction, mtval = the exact instruction bits: 16-bit
 *    0x0000 (mtval 0), reserved c.addi4spn (nzuimm = 0), 32-bit all ones,
 *    a reserved major opcode, an undefined funct7 of OP
 *  - jalr to an odd address clears bit 0 (no misaligned-fetch trap with C)
 *  - medeleg: U ecall delegated to S (scause/sepc/stval/sstatus.SPP/SPIE,
 *    sret back to U); S ecall still goes to M
 *  - trap entry and mret/sret field updates per privileged spec 3.1.6.1:
 *    xPIE <- xIE, xIE <- 0, xPP <- old mode; xRET: xIE <- xPIE,
 *    xPIE <- 1, xPP <- U, MPRV <- 0 when returning below M (priv 1.12;
 *    QEMU 7.2 still follows 1.11 and keeps MPRV on mret: relaxed there)
 *  - mtvec vectored mode: exceptions still go to BASE
 *  - mstatus.TSR (sret in S), TW (wfi in S: illegal, or completes -- the
 *    spec only requires a trap if WFI does not complete in bounded time),
 *    wfi in U, TVM (satp access / sfence.vma in S)
 *  - U executing mret/sret or touching S/M CSRs, S executing mret or
 *    touching M CSRs: illegal instruction
 *  - instruction access fault jumping to 0x0 and 0x08000000 (cause 1,
 *    mtval = mepc = address); load/store access fault (cause 5/7) on the
 *    same device-less addresses, mtval = address.  (0x40000000 is not used:
 *    on QEMU's virt it is the PCIe MMIO window, which reads as all ones.)
 */
#include "test.h"

static volatile ulong t_count, t_cause, t_tval, t_epc, t_status, t_a0;
enum { FIX_SKIP, FIX_RA };
static volatile int fixup;

static uint32_t insn_at(ulong pc)
{
  volatile uint16_t *p = (volatile uint16_t *)pc;
  uint32_t lo = p[0];
  if ((lo & 3) != 3) return lo;
  return lo | ((uint32_t)p[1] << 16);
}

static void m_handler(struct trapframe *tf)
{
  t_count++;
  t_cause = tf->cause;
  t_tval = tf->tval;
  t_epc = tf->epc;
  t_status = tf->status;
  t_a0 = tf->x[10];
  if (fixup == FIX_RA)
    tf->epc = tf->x[1];
  else
    tf->epc += (insn_at(tf->epc) & 3) == 3 ? 4 : 2;
}

static volatile ulong s_count, s_cause, s_tval, s_epc, s_status;
static void s_handler(struct trapframe *tf)
{
  s_count++;
  s_cause = tf->cause;
  s_tval = tf->tval;
  s_epc = tf->epc;
  s_status = tf->status;
  tf->epc += 4;
}

static void reset(void)
{
  t_count = s_count = 0;
  t_cause = t_tval = t_epc = t_status = s_cause = s_tval = s_epc = s_status = -1UL;
  fixup = FIX_SKIP;
}

/* ecall with a7 != magic; returns the ecall's address */
static long do_ecall(long a)
{
  ulong pc;
  register long a0 __asm__("a0") = a;
  register long a7 __asm__("a7") = 1;
  __asm__ volatile ("lla %0, 1f\n1:\tecall" : "=&r"(pc), "+r"(a0) : "r"(a7) : "memory");
  return pc;
}
static long do_ebreak(long a)
{
  ulong pc;
  (void)a;
  __asm__ volatile (".option push\n.option norvc\n\tlla %0, 1f\n1:\tebreak\n.option pop"
                    : "=&r"(pc) :: "memory");
  return pc;
}
static long do_mret(long a) { (void)a; __asm__ volatile ("mret"); return 0; }
static long do_sret(long a) { (void)a; __asm__ volatile ("sret"); return 0; }
static long do_wfi(long a) { (void)a; __asm__ volatile ("wfi"); return 0; }
static long rd_sstatus(long a) { (void)a; return csr_read(sstatus); }
static long rd_mstatus(long a) { (void)a; return csr_read(mstatus); }
static long rd_satp(long a) { (void)a; return csr_read(satp); }
static long wr_satp(long a) { csr_write(satp, a); return 0; }
static long do_sfence(long a) { (void)a; __asm__ volatile ("sfence.vma" ::: "memory"); return 0; }

/* S code: sret into U at `target` with SPIE = 1, SIE = 0 */
static long s_sret_to_u(long target)
{
  csr_clear(sstatus, MSTATUS_SPP | MSTATUS_SIE);
  csr_set(sstatus, MSTATUS_SPIE);
  csr_write(sepc, target);
  __asm__ volatile ("sret" ::: "memory");
  return -1;
}
/* S code: sret staying in S (SPP = 1), SPIE = 0, SIE = 1; returns sstatus
   as seen after the sret */
static long s_sret_to_s(long a)
{
  (void)a;
  ulong st;
  csr_set(sstatus, MSTATUS_SPP | MSTATUS_SIE);
  csr_clear(sstatus, MSTATUS_SPIE);
  __asm__ volatile ("lla t0, 1f\n\tcsrw sepc, t0\n\tsret\n1:\tcsrr %0, sstatus"
                    : "=r"(st) :: "t0", "memory");
  return st;
}

/* U/S code that reports with ecall (a7 = 2, a0 = 0x5a) and then exits */
__asm__ (
  "  .text\n"
  "  .balign 4\n"
  "report_and_exit:\n"
  "  li a0, 0x5a\n"
  "  li a7, 2\n"
  "  ecall\n"
  "  j mode_exit\n");
extern char report_and_exit[];
static long call_report(long a) { (void)a; ((void (*)(void))report_and_exit)(); return 0; }

static long jump_to(ulong addr)
{
  register ulong t __asm__("t0") = addr;
  __asm__ volatile ("jalr ra, 0(t0)" : "+r"(t) :: "ra", "memory");
  return 0;
}

int main(void)
{
  ulong pc, st;
  m_trap_handler = m_handler;
  s_trap_handler = s_handler;
  csr_write(stvec, (ulong)s_trap_entry);

  /* ------------------------------------------------------- ecall */
  reset();
  pc = run_mode(PRV_U, do_ecall, 7);
  CHECK(1, t_count == 1 && t_cause == CAUSE_USER_ECALL && t_epc == pc && t_a0 == 7);
  CHECK(2, t_tval == 0 && (t_status & MSTATUS_MPP) == 0);
  reset();
  pc = run_mode(PRV_S, do_ecall, 8);
  CHECK(3, t_count == 1 && t_cause == CAUSE_SUPERVISOR_ECALL && t_epc == pc);
  CHECK(4, t_tval == 0 && (t_status & MSTATUS_MPP) == MSTATUS_MPP_S);
  reset();
  pc = do_ecall(9);
  CHECK(5, t_count == 1 && t_cause == CAUSE_MACHINE_ECALL && t_epc == pc);
  CHECK(6, t_tval == 0 && (t_status & MSTATUS_MPP) == MSTATUS_MPP_M);

  /* ------------------------------------------------------- ebreak */
  reset();
  pc = do_ebreak(0);
  CHECK(7, t_count == 1 && t_cause == CAUSE_BREAKPOINT && t_epc == pc);
  CHECK(8, t_tval == pc || t_tval == 0);
  reset();
  pc = run_mode(PRV_U, do_ebreak, 0);
  CHECK(9, t_count == 1 && t_cause == CAUSE_BREAKPOINT && t_epc == pc &&
           (t_tval == pc || t_tval == 0));

  /* ------------------------------------------- illegal instructions */
#define ILLEGAL(n, enc, bits) do { reset(); \
    __asm__ volatile ("lla %0, 1f\n1:\t" enc : "=&r"(pc) :: "memory"); \
    CHECK(n, t_count == 1 && t_cause == CAUSE_ILLEGAL_INSN && t_epc == pc && \
             t_tval == (bits)); } while (0)
  ILLEGAL(10, ".hword 0x0000", 0);                      /* c.unimp */
  ILLEGAL(11, ".hword 0x0004", 0x0004);                 /* c.addi4spn, nzuimm 0 */
  ILLEGAL(12, ".word 0xffffffff", 0xffffffffUL);
  ILLEGAL(13, ".word 0x0000106b", 0x0000106b);          /* reserved opcode 1101011 */
  ILLEGAL(14, ".word 0xfe000033", 0xfe000033);          /* OP, funct7 = 0x7f */
  ILLEGAL(15, ".word 0xc0001073", 0xc0001073);          /* csrw cycle, x0 */
  /* a 32-bit illegal instruction at a 2-byte aligned address */
  reset();
  __asm__ volatile (".balign 4\n\tc.nop\n\tlla %0, 1f\n\t.balign 2\n1:\t.word 0xffffffff"
                    : "=&r"(pc) :: "memory");
  CHECK(16, t_count == 1 && t_cause == CAUSE_ILLEGAL_INSN && t_epc == pc &&
           t_tval == 0xffffffffUL);

  /* ------------------------------------ jalr to an odd address: bit 0 */
  {
    ulong r;
    __asm__ volatile ("lla t0, 1f\n\taddi t0, t0, 1\n\tli %0, 0\n\tjalr t0\n\t"
                      "li %0, 1\n\t.balign 4\n1:" : "=&r"(r) :: "t0", "ra");
    CHECK(17, r == 0);
  }

  /* ---------------------------------------- delegation to S (medeleg) */
  csr_write(medeleg, 1UL << CAUSE_USER_ECALL);
  CHECK(18, csr_read(medeleg) & (1UL << CAUSE_USER_ECALL));
  csr_set(mstatus, MSTATUS_SIE);            /* SIE = 1 before entering U */
  reset();
  pc = run_mode(PRV_U, do_ecall, 3);
  CHECK(19, s_count == 1 && t_count == 0);   /* taken in S, not M */
  CHECK(20, s_cause == CAUSE_USER_ECALL && s_epc == pc && s_tval == 0);
  CHECK(21, (s_status & MSTATUS_SPP) == 0 && (s_status & MSTATUS_SPIE) &&
           !(s_status & MSTATUS_SIE));
  /* S ecall is not delegated by bit 8 */
  reset();
  pc = run_mode(PRV_S, do_ecall, 4);
  CHECK(22, t_count == 1 && s_count == 0 && t_cause == CAUSE_SUPERVISOR_ECALL);
  csr_write(medeleg, 0);
  csr_clear(mstatus, MSTATUS_SIE);

  /* ------------------------------------------------- mret field rules */
  csr_clear(mstatus, MSTATUS_MIE);
  csr_set(mstatus, MSTATUS_MPP_M | MSTATUS_MPIE);
  __asm__ volatile ("lla t0, 1f\n\tcsrw mepc, t0\n\tmret\n1:" ::: "t0", "memory");
  st = csr_read(mstatus);
  csr_clear(mstatus, MSTATUS_MIE);
  CHECK(23, (st & MSTATUS_MIE) && (st & MSTATUS_MPIE) && (st & MSTATUS_MPP) == 0);
  csr_set(mstatus, MSTATUS_MPP_M | MSTATUS_MIE);
  csr_clear(mstatus, MSTATUS_MPIE);
  __asm__ volatile ("lla t0, 1f\n\tcsrw mepc, t0\n\tmret\n1:" ::: "t0", "memory");
  st = csr_read(mstatus);
  CHECK(24, !(st & MSTATUS_MIE) && (st & MSTATUS_MPIE) && (st & MSTATUS_MPP) == 0);
  /* mret to S clears MPRV; the ecall from S then shows MPP = S */
  reset();
  csr_set(mstatus, MSTATUS_MPRV);
  run_mode(PRV_S, call_report, 0);
  CHECK(25, t_count == 1 && t_cause == CAUSE_SUPERVISOR_ECALL && t_a0 == 0x5a);
  /* QEMU 7.2 implements the pre-1.12 rule and leaves MPRV set */
  CHECK(26, (is_qemu() || !(t_status & MSTATUS_MPRV)) &&
            (t_status & MSTATUS_MPP) == MSTATUS_MPP_S);
  CHECK(27, !(csr_read(mstatus) & MSTATUS_MPRV));

  /* ------------------------------------------------- sret field rules */
  reset();
  run_mode(PRV_S, s_sret_to_u, (long)report_and_exit);
  CHECK(28, t_count == 1 && t_cause == CAUSE_USER_ECALL && t_a0 == 0x5a);
  CHECK(29, (t_status & MSTATUS_SIE) && (t_status & MSTATUS_SPIE) &&
           !(t_status & MSTATUS_SPP));
  reset();
  st = run_mode(PRV_S, s_sret_to_s, 0);
  CHECK(30, t_count == 0);
  CHECK(31, !(st & MSTATUS_SIE) && (st & MSTATUS_SPIE) && !(st & MSTATUS_SPP));
  csr_clear(mstatus, MSTATUS_SIE | MSTATUS_SPIE);

  /* ------------------------------- vectored mtvec: exceptions at BASE */
  csr_write(mtvec, (ulong)m_trap_entry | 1);
  CHECK(32, csr_read(mtvec) == ((ulong)m_trap_entry | 1));
  ILLEGAL(33, ".word 0xffffffff", 0xffffffffUL);
  reset();
  pc = do_ecall(1);
  CHECK(34, t_count == 1 && t_cause == CAUSE_MACHINE_ECALL && t_epc == pc);
  csr_write(mtvec, (ulong)m_trap_entry);

  /* ------------------------------------------------ TSR / TW / TVM */
  csr_set(mstatus, MSTATUS_TSR);
  reset();
  run_mode(PRV_S, do_sret, 0);
  CHECK(35, t_count == 1 && t_cause == CAUSE_ILLEGAL_INSN &&
           (t_status & MSTATUS_MPP) == MSTATUS_MPP_S);
  csr_clear(mstatus, MSTATUS_TSR);
  csr_set(mstatus, MSTATUS_TW);
  reset();
  run_mode(PRV_S, do_wfi, 0);
  CHECK(36, t_count == 0 || (t_count == 1 && t_cause == CAUSE_ILLEGAL_INSN &&
                            t_tval == 0x10500073));
  csr_clear(mstatus, MSTATUS_TW);
  reset();
  run_mode(PRV_U, do_wfi, 0);                /* U: illegal or completes */
  CHECK(37, t_count == 0 || (t_count == 1 && t_cause == CAUSE_ILLEGAL_INSN));
  reset();
  run_mode(PRV_S, rd_satp, 0);               /* TVM = 0: allowed */
  run_mode(PRV_S, wr_satp, 0);
  run_mode(PRV_S, do_sfence, 0);
  CHECK(38, t_count == 0);
  csr_set(mstatus, MSTATUS_TVM);
  reset();
  run_mode(PRV_S, rd_satp, 0);
  CHECK(39, t_count == 1 && t_cause == CAUSE_ILLEGAL_INSN && t_tval == insn_at(t_epc));
  reset();
  run_mode(PRV_S, wr_satp, 0);
  CHECK(40, t_count == 1 && t_cause == CAUSE_ILLEGAL_INSN);
  reset();
  run_mode(PRV_S, do_sfence, 0);
  CHECK(41, t_count == 1 && t_cause == CAUSE_ILLEGAL_INSN && t_tval == 0x12000073);
  reset();
  csr_read(satp);                            /* TVM does not affect M */
  CHECK(42, t_count == 0);
  csr_clear(mstatus, MSTATUS_TVM);

  /* ---------------------------------- privileged ops from lower modes */
#define LOWER_ILLEGAL(n, mode, fn) do { reset(); run_mode(mode, fn, 0); \
    CHECK(n, t_count == 1 && t_cause == CAUSE_ILLEGAL_INSN && \
             t_tval == insn_at(t_epc)); } while (0)
  LOWER_ILLEGAL(43, PRV_U, do_mret);
  LOWER_ILLEGAL(44, PRV_U, do_sret);
  LOWER_ILLEGAL(45, PRV_S, do_mret);
  LOWER_ILLEGAL(46, PRV_U, rd_sstatus);
  LOWER_ILLEGAL(47, PRV_U, rd_mstatus);
  LOWER_ILLEGAL(48, PRV_S, rd_mstatus);
  LOWER_ILLEGAL(49, PRV_U, rd_satp);

  /* ------------------------------------------------- access faults */
  fixup = FIX_RA;
  reset(); fixup = FIX_RA;
  jump_to(0x0);
  CHECK(50, t_count == 1 && t_cause == CAUSE_FETCH_ACCESS && t_tval == 0 && t_epc == 0);
  reset(); fixup = FIX_RA;
  jump_to(0x08000000);
  CHECK(51, t_count == 1 && t_cause == CAUSE_FETCH_ACCESS && t_tval == 0x08000000 &&
           t_epc == 0x08000000);
  {
    volatile ulong v = 0;
    reset();
    __asm__ volatile ("lla %0, 1f\n1:\tld %1, 0(%2)" : "=&r"(pc), "+r"(v)
                      : "r"(0x0UL) : "memory");
    CHECK(52, t_count == 1 && t_cause == CAUSE_LOAD_ACCESS && t_tval == 0 && t_epc == pc);
    reset();
    __asm__ volatile ("lla %0, 1f\n1:\tlw %1, 0(%2)" : "=&r"(pc), "+r"(v)
                      : "r"(0x08000000UL) : "memory");
    CHECK(53, t_count == 1 && t_cause == CAUSE_LOAD_ACCESS && t_tval == 0x08000000 &&
             t_epc == pc);
    reset();
    __asm__ volatile ("lla %0, 1f\n1:\tsd %1, 8(%2)" : "=&r"(pc)
                      : "r"(v), "r"(0x0UL) : "memory");
    CHECK(54, t_count == 1 && t_cause == CAUSE_STORE_ACCESS && t_tval == 8 && t_epc == pc);
    reset();
    __asm__ volatile ("lla %0, 1f\n1:\tsb %1, 0(%2)" : "=&r"(pc)
                      : "r"(v), "r"(0x08000010UL) : "memory");
    CHECK(55, t_count == 1 && t_cause == CAUSE_STORE_ACCESS && t_tval == 0x08000010 &&
             t_epc == pc);
  }

  m_trap_handler = 0;
  s_trap_handler = 0;
  return 0;
}
