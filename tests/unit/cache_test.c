/*
 * cache_test.c - the block cache (src/ir/cache.c): a write to a code page
 * drops only that page's blocks; and block chaining in the interpreter
 * (src/ir/interp.c) stays correct when the block cache is flushed in the middle of a block: by a
 * device that writes a code page (DMA) during an MMIO store, and by an AMO
 * to a code page. The block that ran the store ends with a branch to a block
 * it was chained to on an earlier pass; that block's code was rewritten, so
 * following the old chain would run stale (freed) code.
 *
 * Program (hand-encoded RV64I, M-mode at RAM base), run twice:
 *   A: 0x00  sw x0, 0(x5)  or  amoadd.w x0, x8, (x5)
 *      0x04  beq x0, x0, B
 *   B: 0x08  addi x11, x0, 1      <- rewritten to addi x11, x0, 2 on pass 2
 *      0x0c  addi x12, x12, 1
 *      0x10  addi x5, x6, 0
 *      0x14  addi x7, x0, 2
 *      0x18  blt x12, x7, A
 *      0x1c  jal x0, 0
 * Pass 1 stores to scratch RAM; pass 2 stores where x6 points: the device
 * register or instruction B itself. Afterwards x11 must be 2.
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#include <string.h>

#include "arch/riscv/hart.h"
#include "ir/cache.h"
#include "mem/phys.h"

#include "check.h"

#define RAM 0x80000000ull
#define SCRATCH (RAM + 0x10000)
#define DEV 0x10000000ull
#define INSN_B (RAM + 0x08)

static uint32_t i_type(int imm, int rs1, int f3, int rd, int opc)
{
    return (uint32_t)(imm & 0xfff) << 20 | (uint32_t)rs1 << 15 | (uint32_t)f3 << 12 | (uint32_t)rd << 7 | (uint32_t)opc;
}
static uint32_t b_type(int imm, int rs2, int rs1, int f3)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 |
           (uint32_t)f3 << 12 | (u >> 1 & 0xf) << 8 | (u >> 11 & 1) << 7 | 0x63;
}
static uint32_t addi(int rd, int rs1, int imm) { return i_type(imm, rs1, 0, rd, 0x13); }
static uint32_t jal_x0(int off)
{
    uint32_t u = (uint32_t)off;
    return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 | (u >> 11 & 1) << 20 | (u >> 12 & 0xff) << 12 | 0x6f;
}
static uint32_t sw_x0(int rs1) { return (uint32_t)rs1 << 15 | 2u << 12 | 0x23; }
static uint32_t amoadd_w(int rd, int rs2, int rs1)
{
    return (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | 2u << 12 | (uint32_t)rd << 7 | 0x2f;
}

static phys_map pm;
static ir_cache cache;
static rv_hart hart;

/* A device whose register write makes it DMA a new instruction over B. */
static void dev_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    (void)opaque, (void)off, (void)val, (void)size;
    uint32_t insn = addi(11, 0, 2);
    memcpy(phys_dma_write_ptr(&pm, INSN_B, 4), &insn, 4);
}
static const mmio_ops dev_ops = {NULL, dev_write};

/* Load the program with `first` as instruction A, run it, return x11. */
static uint64_t run(uint32_t first, uint64_t target)
{
    const uint32_t prog[] = {
        first, b_type(4, 0, 0, 0), addi(11, 0, 1), addi(12, 12, 1),
        addi(5, 6, 0), addi(7, 0, 2), b_type(-0x18, 7, 12, 4), 0x6f,
    };
    ir_cache_flush(&cache);
    memcpy(phys_ram_ptr(&pm, RAM, sizeof(prog)), prog, sizeof(prog));
    rv_hart_init(&hart, 0, &pm, &cache, RAM);
    hart.cpu.r[5] = SCRATCH;
    hart.cpu.r[6] = target;
    hart.cpu.r[8] = 1u << 20; /* adds 1 to the immediate of B */
    hart.cpu.r[12] = 0;
    rv_hart_run(&hart, 200);
    EQ(hart.cpu.r[12], 2); /* both passes ran */
    EQ(hart.cpu.pc, RAM + 0x1c);
    return hart.cpu.r[11];
}

/* Page 0: addi a0, x0, 1; jal to page 1. Page 1: addi a1, x0, 1; jal to
 * itself. A DMA write to page 0 drops page 0's block only. */
static void test_invalidate_page(void)
{
    const uint32_t p0[] = {addi(10, 0, 1), jal_x0(0x1000 - 4)}, p1[] = {addi(11, 0, 1), jal_x0(0)};
    ir_cache_flush(&cache);
    memcpy(phys_ram_ptr(&pm, RAM, 8), p0, 8);
    memcpy(phys_ram_ptr(&pm, RAM + 0x1000, 8), p1, 8);
    rv_hart_init(&hart, 0, &pm, &cache, RAM);
    uint64_t blocks = cache.blocks, flushes = cache.flushes, inval = cache.invalidations;
    rv_hart_run(&hart, 20);
    EQ(hart.cpu.r[10], 1);
    EQ(hart.cpu.r[11], 1);
    EQ(cache.blocks - blocks, 3); /* page 0; page 1; page 1's loop */
    ir_block *kept = cache.page_blocks[1];
    EQ(pm.code_pages[0] && pm.code_pages[1], 1);
    *phys_dma_write_ptr(&pm, RAM + 0x800, 1) = 0; /* a device writes page 0 */
    EQ(cache.invalidations - inval, 1);
    EQ(cache.flushes, flushes);
    EQ(cache.page_blocks[0] == NULL && pm.code_pages[0] == 0, 1);
    EQ(cache.page_blocks[1] == kept && pm.code_pages[1] == 1, 1);
    hart.cpu.pc = RAM;
    rv_hart_run(&hart, 20);
    EQ(cache.blocks - blocks, 4); /* only page 0's block again */
    EQ(cache.page_blocks[1], kept);
}

int main(void)
{
    if (phys_init(&pm, RAM, 1 << 20) != 0 || ir_cache_init(&cache, &pm, 1 << 20) != 0 ||
        phys_add_io(&pm, DEV, 0x1000, &dev_ops, NULL) != 0) {
        printf("init failed\n0 passed, 1 failed\n");
        return 1;
    }
    EQ(run(sw_x0(5), DEV), 2);               /* device DMA during an MMIO store */
    EQ(run(amoadd_w(0, 8, 5), INSN_B), 2);   /* AMO to the code page itself */
    test_invalidate_page();
    ir_cache_free(&cache);
    phys_free(&pm);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
