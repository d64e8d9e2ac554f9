/*
 * a64_gic.c - the GICv3 of the virt board (-M virt,gic-version=3), the
 * generic timer's interrupts and the PL031 RTC (one CPU).
 *
 *  - GICD_PIDR2.ArchRev = 3; GICD_TYPER describes at least 128 INTIDs;
 *    GICD_CTLR.DS = 1 and ARE = 1 (one Security state)
 *  - the redistributor of CPU 0: GICR_TYPER.Last, Affinity 0; waking it
 *    (GICR_WAKER.ProcessorSleep = 0) clears ChildrenAsleep
 *  - ICC_SRE_EL1.SRE = 1
 *  - an SGI sent to self (ICC_SGI1R_EL1) is taken as an IRQ; ICC_IAR1_EL1
 *    returns its INTID; inside the handler ICC_RPR_EL1 is its priority and
 *    GICR_ISACTIVER0 shows it active; after EOI, RPR reads idle (0xff)
 *  - a pending SGI whose priority is not below ICC_PMR_EL1 is not taken;
 *    ICC_HPPIR1_EL1 and GICR_ISPENDR0 show it; lowering the mask lets it in
 *  - a disabled interrupt stays pending and is not taken until enabled
 *  - an SPI made pending through GICD_ISPENDR and routed to CPU 0 by
 *    GICD_IROUTER is taken; GICD_ICPENDR clears a pending SPI
 *  - two pending interrupts are taken highest priority first
 *  - the virtual timer: CNTV_CTL_EL0.ISTATUS once CVAL passed, PPI 27
 *    taken after WFI; IMASK lowers it; TVAL counts down
 *  - PL031: RTCDR is after 2020, PrimeCell ID
 */
#include "test.h"

#define GICD            0x08000000UL
#define GICR            0x080a0000UL
#define GICR_SGI        (GICR + 0x10000)
#define PL031           0x09010000UL

#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_IGROUPR    0x0080
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_ISPENDR    0x0200
#define GICD_ICPENDR    0x0280
#define GICD_ISACTIVER  0x0300
#define GICD_IPRIORITYR 0x0400
#define GICD_IROUTER    0x6000
#define GICD_PIDR2      0xffe8
#define GICR_TYPER      0x0008
#define GICR_WAKER      0x0014

#define CTLR_GRP1       (1u << 1)
#define CTLR_ARE        (1u << 4)
#define CTLR_DS         (1u << 6)
#define SPURIOUS        1023
#define PPI_VTIMER      27
#define SPI_TEST        50

static inline uint32_t rd32(ulong a) { return *(volatile uint32_t *)a; }
static inline uint64_t rd64(ulong a) { return *(volatile uint64_t *)a; }
static inline void wr32(ulong a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline void wr64(ulong a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline void wr8(ulong a, uint8_t v) { *(volatile uint8_t *)a = v; }


static volatile int n_irq, last_id, seen[8];
static volatile ulong in_rpr, in_active;

int irq_handler(struct trapframe *tf)
{
  (void)tf;
  ulong id = read_sysreg(icc_iar1_el1) & 0xffffff;
  if (id == SPURIOUS)
    return 0;
  in_rpr = read_sysreg(icc_rpr_el1);
  in_active = id < 32 ? rd32(GICR_SGI + GICD_ISACTIVER) : rd32(GICD + GICD_ISACTIVER + 4 * (id / 32));
  if (id == PPI_VTIMER)
    write_sysreg(cntv_ctl_el0, 3); /* IMASK: lower the timer's line */
  if (n_irq < 8)
    seen[n_irq] = (int)id;
  n_irq++;
  last_id = (int)id;
  write_sysreg(icc_eoir1_el1, id);
  isb();
  return 0;
}

static void irqs_on(void) { __asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory"); }
static void irqs_off(void) { __asm__ volatile("msr daifset, #2\n\tisb" ::: "memory"); }
static void settle(void) { for (volatile int i = 0; i < 100; i++) {} }

static void send_sgi(int id)
{
  write_sysreg(icc_sgi1r_el1, ((ulong)id << 24) | 1); /* TargetList: CPU 0 */
  isb();
}

/* Enable SGI/PPI `id` of CPU 0 in Group 1 with priority `prio`. */
static void local_irq(int id, uint8_t prio)
{
  wr32(GICR_SGI + GICD_IGROUPR, rd32(GICR_SGI + GICD_IGROUPR) | (1u << id));
  wr8(GICR_SGI + GICD_IPRIORITYR + id, prio);
  wr32(GICR_SGI + GICD_ISENABLER, 1u << id);
}

int main(void)
{
  /* distributor */
  CHECK(1, ((rd32(GICD + GICD_PIDR2) >> 4) & 15) == 3);
  CHECK(2, (rd32(GICD + GICD_TYPER) & 31) >= 3);
  wr32(GICD + GICD_CTLR, CTLR_ARE | CTLR_GRP1);
  CHECK(3, (rd32(GICD + GICD_CTLR) & (CTLR_DS | CTLR_ARE | CTLR_GRP1)) == (CTLR_DS | CTLR_ARE | CTLR_GRP1));

  /* redistributor of CPU 0 */
  uint64_t typer = rd64(GICR + GICR_TYPER);
  CHECK(4, (typer >> 32) == 0 && (typer & (1 << 4)));
  wr32(GICR + GICR_WAKER, rd32(GICR + GICR_WAKER) & ~2u);
  CHECK(5, (rd32(GICR + GICR_WAKER) & 6) == 0);

  /* CPU interface */
  CHECK(6, read_sysreg(icc_sre_el1) & 1);
  write_sysreg(icc_pmr_el1, 0xf0);
  write_sysreg(icc_igrpen1_el1, 1);
  isb();
  CHECK(7, read_sysreg(icc_rpr_el1) == 0xff);

  /* an SGI to self */
  local_irq(1, 0x80);
  irqs_on();
  send_sgi(1);
  settle();
  CHECK(10, n_irq == 1 && last_id == 1);
  CHECK(11, in_rpr == 0x80);
  CHECK(12, in_active & (1u << 1));
  CHECK(13, read_sysreg(icc_rpr_el1) == 0xff);
  CHECK(14, (rd32(GICR_SGI + GICD_ISACTIVER) & 2) == 0);

  /* the priority mask */
  write_sysreg(icc_pmr_el1, 0x80);
  isb();
  send_sgi(1);
  settle();
  CHECK(20, n_irq == 1);
  CHECK(21, (read_sysreg(icc_hppir1_el1) & 0xffffff) == 1);
  CHECK(22, rd32(GICR_SGI + GICD_ISPENDR) & 2);
  write_sysreg(icc_pmr_el1, 0xf0);
  isb();
  settle();
  CHECK(23, n_irq == 2 && last_id == 1);
  CHECK(24, (rd32(GICR_SGI + GICD_ISPENDR) & 2) == 0);

  /* a disabled SGI stays pending */
  wr32(GICR_SGI + GICD_ICENABLER, 1u << 1);
  send_sgi(1);
  settle();
  CHECK(30, n_irq == 2 && (rd32(GICR_SGI + GICD_ISPENDR) & 2));
  wr32(GICR_SGI + GICD_ISENABLER, 1u << 1);
  settle();
  CHECK(31, n_irq == 3);

  /* an SPI through GICD_ISPENDR, routed to CPU 0 */
  ulong bank = 4 * (SPI_TEST / 32), bit = 1u << (SPI_TEST % 32);
  wr32(GICD + GICD_IGROUPR + bank, rd32(GICD + GICD_IGROUPR + bank) | bit);
  wr8(GICD + GICD_IPRIORITYR + SPI_TEST, 0xa0);
  wr64(GICD + GICD_IROUTER + 8 * SPI_TEST, 0);
  irqs_off();
  wr32(GICD + GICD_ISPENDR + bank, bit);
  CHECK(40, rd32(GICD + GICD_ISPENDR + bank) & bit);
  wr32(GICD + GICD_ICPENDR + bank, bit);
  CHECK(41, (rd32(GICD + GICD_ISPENDR + bank) & bit) == 0);
  wr32(GICD + GICD_ISENABLER + bank, bit);
  wr32(GICD + GICD_ISPENDR + bank, bit);
  irqs_on();
  settle();
  CHECK(42, n_irq == 4 && last_id == SPI_TEST);
  CHECK(43, in_rpr == 0xa0 && (in_active & bit));

  /* two at once: the higher priority (lower value) first */
  irqs_off();
  local_irq(3, 0x90);
  wr32(GICD + GICD_ISPENDR + bank, bit); /* 0xa0 */
  send_sgi(3);                            /* 0x90 */
  irqs_on();
  settle();
  CHECK(50, n_irq == 6 && seen[4] == 3 && seen[5] == SPI_TEST);

  /* the virtual timer */
  local_irq(PPI_VTIMER, 0x80);
  irqs_off();
  write_sysreg(cntv_cval_el0, read_sysreg(cntvct_el0) + 1000);
  write_sysreg(cntv_ctl_el0, 1);
  isb();
  while (!(read_sysreg(cntv_ctl_el0) & 4))
    ;
  irqs_on();
  settle();
  CHECK(60, n_irq == 7 && last_id == PPI_VTIMER);
  CHECK(61, read_sysreg(cntv_ctl_el0) == 7); /* ENABLE | IMASK | ISTATUS */
  write_sysreg(cntv_tval_el0, 0x10000000);  /* 4.3 s at 62.5 MHz */
  write_sysreg(cntv_ctl_el0, 1);
  isb();
  ulong tval = read_sysreg(cntv_tval_el0);
  CHECK(62, tval > 0 && tval <= 0x10000000);
  CHECK(63, n_irq == 7);
  write_sysreg(cntv_tval_el0, 100000);  /* 1.6 ms */
  isb();
  while (n_irq == 7)
    __asm__ volatile("wfi");
  CHECK(64, last_id == PPI_VTIMER);
  CHECK(65, (long)(int32_t)read_sysreg(cntv_tval_el0) <= 0);
  write_sysreg(cntv_ctl_el0, 0);

  /* PL031 */
  CHECK(70, rd32(PL031) > 1577836800u); /* 2020-01-01 */
  CHECK(71, rd32(PL031 + 0xfe0) == 0x31 && rd32(PL031 + 0xff0) == 0x0d);
  irqs_off();
  return 0;
}
