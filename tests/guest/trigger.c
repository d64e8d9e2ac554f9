/*
 * trigger.c - Sdtrig debug triggers (RISC-V Debug Specification 1.0,
 * chapter 5) as M-mode software uses them without a debugger:
 *  - tselect is WARL over the implemented triggers (at least 2); tinfo
 *    lists types 2 (mcontrol) and 6 (mcontrol6); each trigger exists
 *    (type != 0) and starts with nothing enabled
 *  - tdata1 keeps what it implements: an unsupported type reads back as 15
 *    (disabled), an unsupported match as 0, dmode as 0; tdata3 reads 0
 *  - an execute trigger raises a breakpoint exception before the
 *    instruction (mcause 3, mepc = mtval = its address) and sets hit
 *  - a load trigger fires before the load (the destination keeps its
 *    value), a store trigger before the store (memory unchanged), an AMO
 *    hits a store trigger; mtval is the accessed address
 *  - match NAPOT, >= and < compare address ranges; a load breakpoint
 *    comes before the access fault of the same load
 *  - tcontrol: M-mode triggers fire only while mte is set; a trap into M
 *    moves mte to mpte and clears it, mret restores it
 *  - the m/s/u bits select privilege modes; medeleg bit 3 delegates a
 *    trigger's breakpoint from S-mode to S
 * The same sequence as riscv-tests' rv64mi-p-breakpoint is check 20-27.
 */
#include "test.h"

#define TSELECT "0x7a0"
#define TDATA1 "0x7a1"
#define TDATA2 "0x7a2"
#define TDATA3 "0x7a3"
#define TINFO "0x7a4"
#define TCONTROL "0x7a5"

#define T_LOAD 1UL
#define T_STORE 2UL
#define T_EXEC 4UL
#define T_U (1UL << 3)
#define T_S (1UL << 4)
#define T_M (1UL << 6)
#define T_MATCH(m) ((ulong)(m) << 7)
#define T_TYPE(t) ((ulong)(t) << 60)
#define MCONTROL_HIT (1UL << 20)
#define MCONTROL6_HIT0 (1UL << 22)
#define MTE 0x8UL
#define MPTE 0x80UL

#define rd(csr) ({ ulong __v; __asm__ volatile ("csrr %0, " csr : "=r"(__v) :: "memory"); __v; })
#define wr(csr, val) __asm__ volatile ("csrw " csr ", %0" :: "r"((ulong)(val)) : "memory")

static volatile ulong t_count, t_cause, t_tval, t_epc, t_tcontrol;
static volatile ulong s_count, s_cause, s_tval;

static void m_handler(struct trapframe *tf)
{
  t_count++;
  t_cause = tf->cause;
  t_tval = tf->tval;
  t_epc = tf->epc;
  t_tcontrol = rd(TCONTROL);
  tf->epc += 4; /* every instruction that traps here is 4 bytes */
}

static void s_handler(struct trapframe *tf)
{
  s_count++;
  s_cause = tf->cause;
  s_tval = tf->tval;
  tf->epc += 4;
}

static void reset(void)
{
  t_count = s_count = 0;
  t_cause = t_tval = t_epc = t_tcontrol = s_cause = s_tval = -1UL;
}

static void set_trigger(ulong i, ulong tdata1, ulong tdata2)
{
  wr(TSELECT, i);
  wr(TDATA1, 0); /* disable while tdata2 changes */
  wr(TDATA2, tdata2);
  wr(TDATA1, tdata1);
}

static volatile uint32_t data[8] __attribute__((aligned(32)));

/* Executes "addi a0, a0, 1" at the returned label (*at) then "addi a0, a0, 2";
 * returns a0 from 0: 3 without a trigger, 2 if the first one was skipped. */
__attribute__((noinline)) static ulong exec_probe(ulong *at)
{
  ulong r, pc;
  __asm__ volatile (".option push\n.option norvc\n"
                    "lla %1, 1f\n"
                    "li %0, 0\n"
                    ".balign 4\n"
                    "1: addi %0, %0, 1\n"
                    "addi %0, %0, 2\n"
                    ".option pop"
                    : "=&r"(r), "=&r"(pc) :: "memory");
  *at = pc;
  return r;
}

/* exec_probe's label, found by running it once with no trigger */
static ulong probe_pc(void)
{
  ulong at;
  exec_probe(&at);
  return at;
}

/* A 4-byte load of *p into a register holding 0x55; returns the register. */
__attribute__((noinline)) static ulong load_probe(volatile uint32_t *p)
{
  ulong v = 0x55;
  __asm__ volatile (".option push\n.option norvc\nlw %0, 0(%1)\n.option pop" : "+r"(v) : "r"(p) : "memory");
  return v;
}

static void store_probe(volatile uint32_t *p, uint32_t v)
{
  __asm__ volatile (".option push\n.option norvc\nsw %1, 0(%0)\n.option pop" :: "r"(p), "r"(v) : "memory");
}

static void amo_probe(volatile uint32_t *p)
{
  ulong old;
  __asm__ volatile ("amoadd.w %0, %2, 0(%1)" : "=r"(old) : "r"(p), "r"(1UL) : "memory");
}

static long s_exec(long a) { ulong at; (void)a; return (long)exec_probe(&at); }
static long s_load(long a) { return (long)load_probe((volatile uint32_t *)a); }

int main(void)
{
  m_trap_handler = m_handler;
  s_trap_handler = s_handler;

  /* ------------------------------------------------ the trigger module */
  wr(TSELECT, 0);
  CHECK_EQ(1, rd(TSELECT), 0);
  wr(TSELECT, 1);
  CHECK_EQ(2, rd(TSELECT), 1); /* at least two triggers */
  wr(TSELECT, 1000);
  CHECK(3, rd(TSELECT) != 1000);
  ulong ntrig = 0;
  for (ulong i = 0; i < 64; i++) {
    wr(TSELECT, i);
    if (rd(TSELECT) != i)
      break;
    ulong t1 = rd(TDATA1);
    CHECK(4, (t1 >> 60) != 0);                        /* the trigger exists */
    CHECK_EQ(5, t1 & (T_LOAD | T_STORE | T_EXEC), 0); /* nothing enabled at reset */
    CHECK(6, (rd(TINFO) & (1UL << 2)) && (rd(TINFO) & (1UL << 6)));
    ntrig++;
  }
  CHECK(7, ntrig >= 2);

  wr(TSELECT, 0);
  wr(TDATA1, T_TYPE(3) | T_M | T_EXEC); /* icount: not implemented */
  CHECK_EQ(8, rd(TDATA1) >> 60, 15);
  wr(TDATA1, T_TYPE(2) | T_MATCH(9) | (1UL << 59) | T_M | T_LOAD); /* match 9, dmode */
  CHECK_EQ(9, rd(TDATA1), T_TYPE(2) | T_M | T_LOAD);
  wr(TDATA3, -1UL);
  CHECK_EQ(10, rd(TDATA3), 0);
  wr(TDATA1, 0);

  /* --------------------------------------- tcontrol gates M-mode firing */
  ulong pc = probe_pc(), at;
  reset();
  wr(TCONTROL, 0);
  set_trigger(0, T_TYPE(2) | T_M | T_EXEC, pc);
  CHECK_EQ(11, exec_probe(&at), 3); /* mte = 0: no breakpoint in M-mode */
  CHECK_EQ(12, t_count, 0);
  wr(TCONTROL, MTE | MPTE);
  CHECK_EQ(13, rd(TCONTROL), MTE | MPTE);

  /* ----------------------------------------------------- execute (M) */
  reset();
  CHECK_EQ(14, exec_probe(&at), 2); /* the first addi was skipped */
  CHECK_EQ(15, t_count, 1);
  CHECK_EQ(16, t_cause, CAUSE_BREAKPOINT);
  CHECK_EQ(17, t_epc, pc);
  CHECK_EQ(18, t_tval, pc);
  CHECK_EQ(19, t_tcontrol, MPTE);           /* in the handler: mte moved to mpte */
  CHECK_EQ(20, rd(TCONTROL), MTE | MPTE);   /* mret restored it */
  CHECK(21, rd(TDATA1) & MCONTROL_HIT);

  /* ------------------------------- loads and stores (rv64mi-p-breakpoint) */
  data[0] = 0x1234;
  reset();
  set_trigger(0, T_TYPE(2) | T_M | T_LOAD, (ulong)&data[0]);
  CHECK_EQ(22, load_probe(&data[0]), 0x55); /* fired before the load */
  CHECK_EQ(23, t_cause, CAUSE_BREAKPOINT);
  CHECK_EQ(24, t_tval, (ulong)&data[0]);
  store_probe(&data[0], 7);                 /* a load trigger ignores stores */
  CHECK_EQ(25, t_count, 1);
  set_trigger(0, T_TYPE(2) | T_M | T_STORE, (ulong)&data[0]);
  store_probe(&data[0], 9);
  CHECK_EQ(26, data[0], 7);                 /* the store did not happen */
  CHECK_EQ(27, t_count, 2);
  amo_probe(&data[0]);                      /* an AMO stores too */
  CHECK_EQ(28, data[0], 7);
  CHECK_EQ(29, t_count, 3);
  CHECK_EQ(30, load_probe(&data[0]), 7);    /* no load trigger now */

  /* a second trigger at the same time, of type 6 (mcontrol6) */
  set_trigger(1, T_TYPE(6) | T_M | T_LOAD, (ulong)&data[1]);
  CHECK_EQ(31, rd(TDATA1), T_TYPE(6) | T_M | T_LOAD);
  reset();
  CHECK_EQ(32, load_probe(&data[1]), 0x55);
  store_probe(&data[0], 1);
  CHECK_EQ(33, t_count, 2);                 /* trigger 0 still fires */
  CHECK(34, rd(TDATA1) & MCONTROL6_HIT0);
  set_trigger(0, 0, 0);
  set_trigger(1, 0, 0);

  /* ----------------------------------------------------- match types */
  reset();
  set_trigger(0, T_TYPE(6) | T_MATCH(1) | T_M | T_LOAD, (ulong)&data[0] | 7); /* NAPOT: 16 bytes */
  load_probe(&data[3]);
  load_probe(&data[4]);
  CHECK_EQ(35, t_count, 1);
  CHECK_EQ(36, t_tval, (ulong)&data[3]);
  /* >= and < cover everything above or below: addresses no other load uses */
  volatile uint32_t *high = (volatile uint32_t *)(RAM_BASE + (100UL << 20));
  reset();
  set_trigger(0, T_TYPE(2) | T_MATCH(2) | T_M | T_LOAD, (ulong)high); /* >= */
  load_probe(high - 2);
  load_probe(high + 2);
  CHECK_EQ(37, t_count, 1);
  CHECK_EQ(38, t_tval, (ulong)(high + 2));
  reset();
  set_trigger(0, T_TYPE(2) | T_MATCH(3) | T_M | T_LOAD, 0x08001000); /* < */
  load_probe((volatile uint32_t *)0x08000000); /* no memory there: the breakpoint comes first */
  CHECK_EQ(39, t_count, 1);
  CHECK_EQ(40, t_cause, CAUSE_BREAKPOINT);
  CHECK_EQ(54, t_tval, 0x08000000);
  load_probe((volatile uint32_t *)0x08001000); /* not below: the access fault */
  CHECK_EQ(55, t_count, 2);
  CHECK_EQ(56, t_cause, CAUSE_LOAD_ACCESS);
  set_trigger(0, 0, 0);

  /* ------------------------------------------------- privilege modes */
  data[0] = 1;
  reset();
  set_trigger(0, T_TYPE(2) | T_S | T_EXEC, pc);
  CHECK_EQ(41, exec_probe(&at), 3);        /* not in M */
  CHECK_EQ(42, run_mode(PRV_S, s_exec, 0), 2);
  CHECK_EQ(43, t_count, 1);
  CHECK_EQ(44, t_cause, CAUSE_BREAKPOINT);
  CHECK_EQ(45, t_tval, pc);
  reset();
  set_trigger(0, T_TYPE(2) | T_U | T_LOAD, (ulong)&data[0]);
  CHECK_EQ(46, run_mode(PRV_S, s_load, (long)&data[0]), 1); /* a U trigger: not in S */
  CHECK_EQ(47, run_mode(PRV_U, s_load, (long)&data[0]), 0x55);
  CHECK_EQ(48, t_count, 1);
  reset();
  csr_write(medeleg, 1UL << CAUSE_BREAKPOINT);
  csr_write(stvec, (ulong)s_trap_entry);
  set_trigger(0, T_TYPE(6) | T_S | T_LOAD, (ulong)&data[0]);
  CHECK_EQ(49, run_mode(PRV_S, s_load, (long)&data[0]), 0x55);
  CHECK_EQ(50, s_count, 1);                /* delegated to S */
  CHECK_EQ(51, s_cause, CAUSE_BREAKPOINT);
  CHECK_EQ(52, s_tval, (ulong)&data[0]);
  CHECK_EQ(53, t_count, 0);
  csr_write(medeleg, 0);
  set_trigger(0, 0, 0);

  m_trap_handler = 0;
  s_trap_handler = 0;
  test_pass();
}
