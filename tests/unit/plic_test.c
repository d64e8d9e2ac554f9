/*
 * plic_test.c - tests for the PLIC (src/dev/plic.c) with two real harts:
 * registers driven through phys_read/phys_write as a guest would, sources
 * through plic_set_irq, outputs checked in each hart's mip_ext MEIP/SEIP.
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#include <stdio.h>

#include "arch/riscv/hart.h"
#include "dev/plic.h"
#include "ir/cache.h"

#include "check.h"

static phys_map pm;
static ir_cache cache;
static rv_hart hart_store[2];
static rv_hart *harts[2] = {&hart_store[0], &hart_store[1]};
static plic pl;

static uint32_t rd(uint64_t off)
{
    uint64_t v = 0xdeadbeef;
    if (phys_read(&pm, PLIC_BASE + off, 4, &v) != 0)
        printf("phys_read failed at +0x%llx\n", (unsigned long long)off);
    return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t v)
{
    if (phys_write(&pm, PLIC_BASE + off, 4, v) != 0)
        printf("phys_write failed at +0x%llx\n", (unsigned long long)off);
}

static void set_prio(int src, uint32_t p) { wr(4u * (unsigned)src, p); }
static void enable(int ctx, int src)
{
    uint64_t off = 0x2000u + 0x80u * (unsigned)ctx + 4u * (unsigned)(src / 32);
    wr(off, rd(off) | (1u << (src % 32)));
}
static void set_threshold(int ctx, uint32_t t) { wr(0x200000u + 0x1000u * (unsigned)ctx, t); }
static uint32_t claim(int ctx) { return rd(0x200004u + 0x1000u * (unsigned)ctx); }
static void complete(int ctx, uint32_t id) { wr(0x200004u + 0x1000u * (unsigned)ctx, id); }

/* mip_ext external bits of both harts as a 4-bit mask: bit 2i = hart i
 * MEIP (context 2i), bit 2i+1 = hart i SEIP (context 2i+1) */
static unsigned outputs(void)
{
    unsigned m = 0;
    for (int i = 0; i < 2; i++) {
        m |= ((harts[i]->mip_ext & MIP_MEIP) ? 1u : 0u) << (2 * i);
        m |= ((harts[i]->mip_ext & MIP_SEIP) ? 1u : 0u) << (2 * i + 1);
    }
    return m;
}

static void reset(void)
{
    pm.nio = 0;
    for (int i = 0; i < 2; i++)
        harts[i]->mip_ext = 0;
    EQ(plic_init(&pl, &pm, PLIC_BASE, harts, 2), 0);
}

static void test_registers(void)
{
    reset();
    EQ(rd(4 * 10), 0);
    set_prio(10, 5);
    EQ(rd(4 * 10), 5);
    set_prio(10, 0xff); /* 3 priority bits */
    EQ(rd(4 * 10), 7);
    set_prio(0, 3); /* source 0 does not exist */
    EQ(rd(0), 0);
    set_prio(95, 1);
    EQ(rd(4 * 95), 1);
    set_prio(96, 1); /* beyond the sources */
    EQ(rd(4 * 96), 0);
    wr(0x2000, 0xffffffff);
    EQ(rd(0x2000), 0xfffffffe); /* enable bit of source 0 reads 0 */
    wr(0x2000 + 0x80 * 3 + 8, 0x80000000);
    EQ(rd(0x2000 + 0x80 * 3 + 8), 0x80000000);
    EQ(rd(0x2000 + 0x80 * 4), 0); /* context 4 does not exist with 2 harts */
    wr(0x2000 + 0x80 * 4, 0xffffffff);
    EQ(rd(0x2000 + 0x80 * 4), 0);
    set_threshold(1, 9);
    EQ(rd(0x201000), 1); /* 9 & 7 */
    EQ(claim(0), 0);     /* nothing pending */
    EQ(claim(3), 0);
    wr(0x1000, 0xffffffff); /* pending bits are read-only */
    EQ(rd(0x1000), 0);
    EQ(outputs(), 0);
    plic_set_irq(&pl, 0, 1); /* out-of-range sources are ignored */
    plic_set_irq(&pl, 96, 1);
    EQ(rd(0x1000), 0);
    EQ(rd(0x1008), 0);
    uint64_t v = 1;
    EQ(phys_read(&pm, PLIC_BASE + 4 * 10, 1, &v), 0); /* only 32-bit accesses */
    EQ(v, 0);
}

static void test_pending_and_enable(void)
{
    reset();
    plic_set_irq(&pl, 10, 1);
    EQ(rd(0x1000), 1u << 10);
    EQ(outputs(), 0); /* priority 0 never interrupts */
    set_prio(10, 1);
    EQ(outputs(), 0); /* not enabled anywhere */
    enable(1, 10);      /* hart 0 S-mode */
    EQ(outputs(), 0x2);
    enable(2, 10);      /* hart 1 M-mode */
    EQ(outputs(), 0x6);
    set_threshold(2, 1); /* priority must exceed the threshold */
    EQ(outputs(), 0x2);
    set_threshold(2, 0);
    EQ(outputs(), 0x6);
    plic_set_irq(&pl, 10, 0); /* level-triggered: line low clears pending */
    EQ(rd(0x1000), 0);
    EQ(outputs(), 0);
    plic_set_irq(&pl, 70, 1);
    EQ(rd(0x1008), 1u << 6);
    set_prio(70, 2);
    enable(3, 70);
    EQ(outputs(), 0x8); /* hart 1 S-mode */
    EQ(harts[1]->mip_ext & (MIP_SEIP | MIP_MEIP), MIP_SEIP);
    EQ(harts[0]->mip_ext, 0);
}

static void test_claim_complete(void)
{
    reset();
    set_prio(3, 2);
    set_prio(5, 6);
    set_prio(7, 6);
    set_prio(9, 1);
    for (int s = 3; s <= 9; s += 2)
        enable(0, s);
    plic_set_irq(&pl, 3, 1);
    plic_set_irq(&pl, 9, 1);
    plic_set_irq(&pl, 7, 1);
    plic_set_irq(&pl, 5, 1);
    EQ(outputs(), 0x1);
    EQ(claim(0), 5); /* priority 6 ties: lowest id */
    EQ(rd(0x1000), (1u << 3) | (1u << 7) | (1u << 9));
    EQ(claim(0), 7);
    set_threshold(0, 2);
    EQ(claim(0), 0); /* 3 (prio 2) and 9 (prio 1) are not above 2 */
    EQ(outputs(), 0);
    set_threshold(0, 1);
    EQ(outputs(), 0x1);
    EQ(claim(0), 3);
    EQ(outputs(), 0); /* 9 has priority 1, not above 1 */
    set_threshold(0, 0);
    EQ(claim(0), 9);
    EQ(claim(0), 0);
    EQ(outputs(), 0);
    /* a claimed source stays not pending while its line is high... */
    EQ(rd(0x1000), 0);
    plic_set_irq(&pl, 5, 0);
    plic_set_irq(&pl, 5, 1);
    EQ(rd(0x1000), 0);
    /* ...and is pending again on completion if still high */
    complete(0, 5);
    EQ(rd(0x1000), 1u << 5);
    EQ(outputs(), 0x1);
    EQ(claim(0), 5);
    plic_set_irq(&pl, 5, 0);
    complete(0, 5);
    EQ(rd(0x1000), 0);
    /* line low at completion: nothing more */
    plic_set_irq(&pl, 3, 0);
    complete(0, 3);
    EQ(rd(0x1000), 0);
    /* completing an id not enabled for the context is ignored */
    plic_set_irq(&pl, 7, 1); /* still claimed: not pending */
    complete(1, 7);
    EQ(rd(0x1000), 0);
    complete(0, 7);
    EQ(rd(0x1000), 1u << 7);
    EQ(outputs(), 0x1);
    complete(0, 0); /* harmless */
    complete(0, 200);
    EQ(claim(0), 7);
    EQ(claim(0), 0); /* 9 was claimed and not completed */
    complete(0, 9);
    EQ(rd(0x1000), 1u << 9); /* its line stayed high */
    EQ(claim(0), 9);
    EQ(outputs(), 0);
}

static void test_contexts(void)
{
    reset();
    set_prio(1, 1);
    set_prio(2, 1);
    set_prio(33, 4);
    enable(0, 1);  /* hart 0 M */
    enable(1, 2);  /* hart 0 S */
    enable(2, 33); /* hart 1 M */
    enable(3, 33); /* hart 1 S */
    enable(3, 2);
    plic_set_irq(&pl, 1, 1);
    EQ(outputs(), 0x1);
    EQ(harts[0]->mip_ext & (MIP_MEIP | MIP_SEIP), MIP_MEIP);
    plic_set_irq(&pl, 2, 1);
    EQ(outputs(), 0x1 | 0x2 | 0x8);
    plic_set_irq(&pl, 33, 1);
    EQ(outputs(), 0xf);
    EQ(rd(0x1004), 1u << 1);
    /* hart 1 S sees 33 (prio 4) before 2 (prio 1) */
    EQ(claim(3), 33);
    EQ(outputs(), 0x1 | 0x2 | 0x8); /* hart 1 M lost 33, hart 1 S still has 2 */
    EQ(claim(1), 2); /* hart 0 S takes 2: gone for hart 1 S as well */
    EQ(outputs(), 0x1);
    EQ(claim(3), 0);
    EQ(claim(0), 1);
    EQ(outputs(), 0);
    /* completion from another context that has the source enabled */
    complete(2, 33);
    EQ(rd(0x1004), 1u << 1); /* line still high */
    EQ(outputs(), 0x4 | 0x8);
    plic_set_irq(&pl, 33, 0);
    EQ(outputs(), 0);
}

int main(void)
{
    if (phys_init(&pm, 0x80000000, 1 << 20) != 0 || ir_cache_init(&cache, &pm, 1 << 20) != 0) {
        printf("init failed\n0 passed, 1 failed\n");
        return 1;
    }
    for (int i = 0; i < 2; i++)
        rv_hart_init(harts[i], i, &pm, &cache, 0x80000000);
    uint64_t dummy;
    EQ(plic_init(&pl, &pm, PLIC_BASE, harts, 0), -1);
    EQ(plic_init(&pl, &pm, PLIC_BASE, harts, PLIC_MAX_HARTS + 1), -1);
    EQ(phys_read(&pm, PLIC_BASE, 4, &dummy), -1); /* nothing was mapped */
    test_registers();
    test_pending_and_enable();
    test_claim_complete();
    test_contexts();
    ir_cache_free(&cache);
    phys_free(&pm);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
