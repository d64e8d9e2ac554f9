/*
 * tlb_test.c - the software TLB's bookkeeping (src/mem/softmmu.c) against a
 * stub page table whose walks are counted:
 *   - two pages that share a slot are walked once each, then served by the
 *     victim TLB, however often the accesses alternate;
 *   - a flush (logged slots, and a log that overflowed), a page flush and a
 *     code-page write protection reach the entries in the victim TLB too:
 *     after the page table changes, accesses see the new mapping;
 *   - the jump cache's clear empties every slot filled, logged or not.
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#include <string.h>

#include "ir/cpu.h"
#include "mem/phys.h"
#include "mem/softmmu.h"

#include "check.h"

#define RAM 0x80000000ull
#define RAM_PAGES 64
#define VA 0x400000ull                        /* first page of the mapped range */
#define CONFLICT ((uint64_t)TLB_SIZE << 12)   /* VA + CONFLICT shares VA's slot */

static phys_map pm;
static ir_cpu cpu;
static uint64_t map_va[2 * TLB_SIZE], map_pa[2 * TLB_SIZE]; /* the stub page table */
static int nmap;
static unsigned walks;

/* ir_arch.translate over map_va/map_pa: 4 KiB pages, every access allowed. */
static int stub_translate(ir_cpu *c, uint64_t va, int access, int idx, uint64_t pc, uint64_t *pa,
                          uint64_t *page_size, int probe)
{
    (void)c, (void)access, (void)idx, (void)pc, (void)probe;
    walks++;
    for (int i = 0; i < nmap; i++)
        if (map_va[i] == (va & PAGE_MASK)) {
            *pa = map_pa[i] | (va & ~PAGE_MASK);
            *page_size = PAGE_SIZE;
            return IR_OK;
        }
    return IR_TRAP;
}

static int stub_fault(ir_cpu *c, int access, uint64_t va, uint64_t pc, int misaligned)
{
    (void)c, (void)access, (void)va, (void)pc, (void)misaligned;
    return IR_TRAP;
}

static const ir_arch stub_arch = {.translate = stub_translate, .access_fault = stub_fault};

/* Map guest-virtual page va to RAM page `page`, whose first word holds `page`. */
static void map(uint64_t va, unsigned page)
{
    int i = 0;
    while (i < nmap && map_va[i] != va)
        i++;
    if (i == nmap)
        nmap++;
    map_va[i] = va;
    map_pa[i] = RAM + ((uint64_t)page << 12);
    uint64_t tag = page;
    memcpy(pm.ram + ((uint64_t)page << 12), &tag, sizeof(tag));
}

static uint64_t load(uint64_t va)
{
    uint64_t v = ~0ull;
    if (mmu_load(&cpu, va, 8, &v, 0) != IR_OK)
        return ~0ull;
    return v;
}

static void test_conflicting_pages(void)
{
    map(VA, 1);
    map(VA + CONFLICT, 2);
    walks = 0;
    int ok = 1;
    for (int i = 0; i < 100; i++)
        ok &= load(VA) == 1 && load(VA + CONFLICT) == 2;
    EQ(ok, 1);
    EQ(walks, 2); /* one per page; without the victim TLB, 200 */
}

static void test_flushes(void)
{
    /* VA's entry sits in the victim TLB (VA + CONFLICT holds the slot). */
    load(VA), load(VA + CONFLICT);
    map(VA, 3);
    tlb_flush_page(&cpu, VA);
    EQ(load(VA), 3);
    load(VA + CONFLICT); /* VA to the victims again */
    map(VA, 4);
    map(VA + CONFLICT, 5);
    tlb_flush(&cpu);
    EQ(load(VA), 4);
    EQ(load(VA + CONFLICT), 5);
    /* More slots than the flush log holds. */
    for (unsigned i = 0; i < TLB_USED_MAX + 8; i++) {
        map(VA + ((uint64_t)i << 12), 8 + i % 32);
        load(VA + ((uint64_t)i << 12));
    }
    for (unsigned i = 0; i < TLB_USED_MAX + 8; i++)
        map(VA + ((uint64_t)i << 12), 8 + (i + 1) % 32);
    tlb_flush(&cpu);
    int ok = 1;
    for (unsigned i = 0; i < TLB_USED_MAX + 8; i++)
        ok &= load(VA + ((uint64_t)i << 12)) == 8 + (i + 1) % 32;
    EQ(ok, 1);
}

static void test_code_page_protection(void)
{
    tlb_flush(&cpu);
    map(VA, 6);
    map(VA + CONFLICT, 7);
    EQ(mmu_store(&cpu, VA, 8, 6, 0), IR_OK); /* a writable entry for VA ... */
    load(VA + CONFLICT);                     /* ... now in the victim TLB */
    phys_mark_code(&pm, RAM + (6 << 12));
    tlb_protect_code_page(&cpu, RAM + (6 << 12));
    EQ(mmu_store(&cpu, VA, 8, 6, 0), IR_END); /* through the slow path: it holds code */
}

static void test_jump_cache(void)
{
    static ir_block blocks[IR_JMP_USED_MAX + 2];
    for (int n = 1; n <= IR_JMP_USED_MAX + 2; n += IR_JMP_USED_MAX + 1) {
        for (int i = 0; i < n; i++)
            ir_jmp_cache_set(&cpu, (unsigned)i * 7 % (1u << IR_JMP_CACHE_BITS), &blocks[i]);
        ir_jmp_cache_clear(&cpu);
        int empty = 1;
        for (unsigned s = 0; s < 1u << IR_JMP_CACHE_BITS; s++)
            empty &= cpu.jmp_cache[s] == NULL;
        EQ(empty, 1);
    }
}

int main(void)
{
    if (phys_init(&pm, RAM, RAM_PAGES << 12) != 0) {
        printf("init failed\n0 passed, 1 failed\n");
        return 1;
    }
    memset(&cpu, 0x5a, sizeof(cpu)); /* tlb_init must not trust what memory held */
    memset(cpu.jmp_cache, 0, sizeof(cpu.jmp_cache));
    cpu.jmp_nused = 0;
    cpu.pm = &pm;
    cpu.arch = &stub_arch;
    cpu.data_idx = MMU_S;
    cpu.debug = NULL; /* no debugger attached */
    cpu.data_triggers = 0; /* no guest triggers */
    cpu.exit_req = 0;
    tlb_init(&cpu);
    test_conflicting_pages();
    test_flushes();
    test_code_page_protection();
    test_jump_cache();
    phys_free(&pm);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
