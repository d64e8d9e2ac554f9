/* Software MMU slow paths and TLB maintenance. */
#include "mem/softmmu.h"

static void flush_index(ir_cpu *cpu, int idx)
{
    memset(cpu->tlb[idx], 0xff, sizeof(cpu->tlb[idx]));
    cpu->large_va[idx] = ~0ull;
    cpu->large_mask[idx] = 0;
}

void tlb_flush(ir_cpu *cpu)
{
    for (int i = 0; i < MMU_NIDX; i++)
        flush_index(cpu, i);
    ir_jmp_cache_clear(cpu);
}

void tlb_flush_page(ir_cpu *cpu, uint64_t va)
{
    for (int i = 0; i < MMU_NIDX; i++) {
        if ((va & cpu->large_mask[i]) == cpu->large_va[i])
            flush_index(cpu, i); /* va may be in a superpage: its 4 KiB entries are anywhere */
        else
            memset(&cpu->tlb[i][TLB_INDEX(va)], 0xff, sizeof(tlb_entry));
    }
    ir_jmp_cache_clear(cpu); /* its entries are not grouped by page */
}

/* Widen index idx's superpage range to cover the `size`-byte page at va. */
static void add_large_page(ir_cpu *cpu, int idx, uint64_t va, uint64_t size)
{
    uint64_t mask = ~(size - 1);
    if (cpu->large_mask[idx]) {
        mask &= cpu->large_mask[idx];
        while ((cpu->large_va[idx] ^ va) & mask)
            mask <<= 1;
    }
    cpu->large_va[idx] = va & mask;
    cpu->large_mask[idx] = mask;
}

void tlb_protect_code_page(ir_cpu *cpu, uint64_t pa_page)
{
    for (int i = 0; i < MMU_NIDX; i++)
        for (unsigned j = 0; j < TLB_SIZE; j++) {
            tlb_entry *e = &cpu->tlb[i][j];
            if (e->pa_page == pa_page && e->tag[ACC_WRITE] != TLB_INVALID)
                e->tag[ACC_WRITE] |= TLB_SLOW;
        }
}

/* Record a successful translation of `va` -> `pa` for `access`. */
static void tlb_fill(ir_cpu *cpu, int idx, int access, uint64_t va, uint64_t pa)
{
    phys_map *pm = cpu->pm;
    tlb_entry *e = &cpu->tlb[idx][TLB_INDEX(va)];
    uint64_t page = va & PAGE_MASK, pa_page = pa & PAGE_MASK;
    int same = e->pa_page == pa_page;
    for (int a = 0; a < 3 && same; a++)
        if (e->tag[a] != TLB_INVALID && (e->tag[a] & PAGE_MASK) != page)
            same = 0;
    if (!same) {
        memset(e->tag, 0xff, sizeof(e->tag));
        e->pa_page = pa_page;
    }
    /* Fetches may use a RAM page that an MMIO region partly overlays (the
     * HTIF words sit in a test program's RAM), and so may reads when the
     * region only watches writes. */
    int ram = phys_is_ram(pm, pa_page);
    uint64_t tag = page;
    if (!ram || (access != ACC_EXEC && phys_page_has_io(pm, pa_page, access)) ||
        (access == ACC_WRITE && pm->code_pages[(pa_page - pm->ram_base) >> PAGE_BITS]))
        tag |= TLB_SLOW;
    if (ram)
        e->addend = (uint64_t)(uintptr_t)(pm->ram + (pa_page - pm->ram_base)) - page;
    e->tag[access] = tag;
}

/* Translate `va` for `access` under MMU index `idx` and refill the TLB.
 * Returns IR_OK or IR_TRAP. */
static int translate(ir_cpu *cpu, uint64_t va, int access, int idx, uint64_t pc, uint64_t *pa)
{
    uint64_t size = 0;
    int st = cpu->arch->translate(cpu, va, access, idx, pc, pa, &size, 0);
    if (st == IR_OK && size) {
        tlb_fill(cpu, idx, access, va, *pa);
        if (size > PAGE_SIZE)
            add_large_page(cpu, idx, va, size);
    }
    return st;
}

int mmu_probe(ir_cpu *cpu, uint64_t va, int access, int mmu_idx, uint64_t *pa)
{
    uint64_t size;
    return cpu->arch->translate(cpu, va, access, mmu_idx, va, pa, &size, 1) == IR_OK ? 0 : -1;
}

/* One access that does not cross a page. */
static int load_page(ir_cpu *cpu, uint64_t va, unsigned size, uint64_t *val, uint64_t pc)
{
    uint64_t pa;
    if (translate(cpu, va, ACC_READ, cpu->data_idx, pc, &pa) != IR_OK)
        return IR_TRAP;
    if (phys_read(cpu->pm, pa, size, val) != 0)
        return cpu->arch->access_fault(cpu, ACC_READ, va, pc, 0);
    return IR_OK;
}

int mmu_load_slow(ir_cpu *cpu, uint64_t va, unsigned size, uint64_t *val, uint64_t pc)
{
    if ((va & ~PAGE_MASK) + size <= PAGE_SIZE)
        return load_page(cpu, va, size, val, pc);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t b;
        if (load_page(cpu, va + i, 1, &b, pc) != IR_OK)
            return IR_TRAP;
        v |= b << (8 * i);
    }
    *val = v;
    return IR_OK;
}

/* Write to an already translated guest-physical address. */
static int store_pa(ir_cpu *cpu, uint64_t va, uint64_t pa, unsigned size, uint64_t val, uint64_t pc)
{
    phys_map *pm = cpu->pm;
    int ram = phys_is_ram(pm, pa);
    int code = ram && pm->code_pages[(pa - pm->ram_base) >> PAGE_BITS];
    if (phys_write(pm, pa, size, val) != 0)
        return cpu->arch->access_fault(cpu, ACC_WRITE, va, pc, 0);
    return (code || cpu->exit_req) ? IR_END : IR_OK;
}

int mmu_store_slow(ir_cpu *cpu, uint64_t va, unsigned size, uint64_t val, uint64_t pc)
{
    uint64_t pa, pa2;
    unsigned first = PAGE_SIZE - (unsigned)(va & ~PAGE_MASK);
    if (first >= size) {
        if (translate(cpu, va, ACC_WRITE, cpu->data_idx, pc, &pa) != IR_OK)
            return IR_TRAP;
        return store_pa(cpu, va, pa, size, val, pc);
    }
    /* Crossing a page: translate both pages before writing anything. */
    uint64_t va2 = (va & PAGE_MASK) + PAGE_SIZE;
    if (translate(cpu, va, ACC_WRITE, cpu->data_idx, pc, &pa) != IR_OK ||
        translate(cpu, va2, ACC_WRITE, cpu->data_idx, pc, &pa2) != IR_OK)
        return IR_TRAP;
    int st = IR_OK;
    for (unsigned i = 0; i < size; i++) {
        uint64_t a = i < first ? pa + i : pa2 + (i - first);
        int s = store_pa(cpu, va + i, a, 1, val >> (8 * i), pc);
        if (s == IR_TRAP)
            return s; /* no RAM or device behind one of the pages */
        if (s == IR_END)
            st = IR_END;
    }
    return st;
}

uint8_t *mmu_rmw_ptr(ir_cpu *cpu, uint64_t va, unsigned size, uint64_t pc)
{
    if (va & (size - 1)) {
        cpu->arch->access_fault(cpu, ACC_WRITE, va, pc, 1);
        return NULL;
    }
    uint8_t *p = tlb_lookup(cpu, cpu->data_idx, ACC_WRITE, va, size);
    if (p)
        return p;
    uint64_t pa;
    if (translate(cpu, va, ACC_WRITE, cpu->data_idx, pc, &pa) != IR_OK)
        return NULL;
    phys_map *pm = cpu->pm;
    if (phys_find_io(pm, pa) || !(p = phys_dma_write_ptr(pm, pa, size))) {
        cpu->arch->access_fault(cpu, ACC_WRITE, va, pc, 0);
        return NULL;
    }
    return p;
}

int mmu_fetch(ir_cpu *cpu, uint64_t va, uint64_t *pa, const uint8_t **host)
{
    int idx = cpu->fetch_idx;
    tlb_entry *e = &cpu->tlb[idx][TLB_INDEX(va)];
    if (e->tag[ACC_EXEC] == (va & PAGE_MASK)) {
        *pa = e->pa_page | (va & ~PAGE_MASK);
        *host = (const uint8_t *)(uintptr_t)((va & PAGE_MASK) + e->addend);
        return IR_OK;
    }
    if (translate(cpu, va, ACC_EXEC, idx, va, pa) != IR_OK)
        return IR_TRAP;
    phys_map *pm = cpu->pm;
    *host = phys_ram_ptr(pm, *pa & PAGE_MASK, PAGE_SIZE);
    return IR_OK;
}
