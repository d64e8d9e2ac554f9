/* Software MMU slow paths and TLB maintenance. */
#include "mem/softmmu.h"

#include "ir/debug.h"

static int entry_valid(const tlb_entry *e)
{
    return (e->tag[ACC_READ] & e->tag[ACC_WRITE] & e->tag[ACC_EXEC]) != TLB_INVALID;
}

/* Nonzero if entry e holds a translation of guest-virtual page `page`. */
static int entry_maps(const tlb_entry *e, uint64_t page)
{
    for (int a = 0; a < 3; a++)
        if (e->tag[a] != TLB_INVALID && (e->tag[a] & PAGE_MASK) == page)
            return 1;
    return 0;
}

static void invalidate(tlb_entry *e)
{
    memset(e, 0xff, sizeof(*e));
}

/* Slot `slot` of index idx is about to hold a translation: log it for the next flush. */
static void log_used(ir_cpu *cpu, int idx, unsigned slot)
{
    tlb_side *t = &cpu->tlb_side[idx];
    if (!entry_valid(&cpu->tlb[idx][slot])) /* else logged when it was filled */
        slot_log_add(t->used, &t->nused, TLB_USED_MAX, slot);
}

static void flush_index(ir_cpu *cpu, int idx)
{
    tlb_side *t = &cpu->tlb_side[idx];
    if (t->nused > TLB_USED_MAX)
        memset(cpu->tlb[idx], 0xff, sizeof(cpu->tlb[idx]));
    else
        for (unsigned i = 0; i < t->nused; i++)
            invalidate(&cpu->tlb[idx][t->used[i]]);
    memset(t->victim, 0xff, sizeof(t->victim));
    t->nused = 0;
    t->large_va = ~0ull;
    t->large_mask = 0;
}

void tlb_init(ir_cpu *cpu)
{
    for (int i = 0; i < MMU_NIDX; i++)
        cpu->tlb_side[i].nused = TLB_USED_MAX + 1;
    tlb_flush(cpu);
}

void tlb_flush(ir_cpu *cpu)
{
    for (int i = 0; i < MMU_NIDX; i++)
        flush_index(cpu, i);
    ir_jmp_cache_clear(cpu);
}

void tlb_flush_page(ir_cpu *cpu, uint64_t va)
{
    uint64_t page = va & PAGE_MASK;
    for (int i = 0; i < MMU_NIDX; i++) {
        tlb_side *t = &cpu->tlb_side[i];
        if ((va & t->large_mask) == t->large_va) {
            flush_index(cpu, i); /* va may be in a superpage: its 4 KiB entries are anywhere */
            continue;
        }
        invalidate(&cpu->tlb[i][TLB_INDEX(va)]);
        for (int v = 0; v < TLB_VICTIMS; v++)
            if (entry_maps(&t->victim[v], page))
                invalidate(&t->victim[v]);
    }
    ir_jmp_cache_clear(cpu); /* its entries are not grouped by page */
}

/* Widen index idx's superpage range to cover the `size`-byte page at va. */
static void add_large_page(ir_cpu *cpu, int idx, uint64_t va, uint64_t size)
{
    tlb_side *t = &cpu->tlb_side[idx];
    uint64_t mask = ~(size - 1);
    if (t->large_mask) {
        mask &= t->large_mask;
        while ((t->large_va ^ va) & mask)
            mask <<= 1;
    }
    t->large_va = va & mask;
    t->large_mask = mask;
}

static void protect_entry(tlb_entry *e, uint64_t pa_page)
{
    if (e->pa_page == pa_page && e->tag[ACC_WRITE] != TLB_INVALID)
        e->tag[ACC_WRITE] |= TLB_SLOW;
}

void tlb_protect_code_page(ir_cpu *cpu, uint64_t pa_page)
{
    for (int i = 0; i < MMU_NIDX; i++) {
        tlb_side *t = &cpu->tlb_side[i];
        if (t->nused > TLB_USED_MAX)
            for (unsigned j = 0; j < TLB_SIZE; j++)
                protect_entry(&cpu->tlb[i][j], pa_page);
        else
            for (unsigned j = 0; j < t->nused; j++)
                protect_entry(&cpu->tlb[i][t->used[j]], pa_page);
        for (int v = 0; v < TLB_VICTIMS; v++)
            protect_entry(&t->victim[v], pa_page);
    }
}

/* A translation of `va` for `access` in index idx's victim TLB moves back
 * into the table (swapping with what is there). Returns 1 with *pa set, or 0. */
static int victim_hit(ir_cpu *cpu, int idx, int access, uint64_t va, uint64_t *pa)
{
    tlb_side *t = &cpu->tlb_side[idx];
    uint64_t page = va & PAGE_MASK;
    for (int v = 0; v < TLB_VICTIMS; v++) {
        tlb_entry *ve = &t->victim[v];
        if (ve->tag[access] == TLB_INVALID || (ve->tag[access] & PAGE_MASK) != page)
            continue;
        unsigned slot = TLB_INDEX(va);
        log_used(cpu, idx, slot);
        tlb_entry *e = &cpu->tlb[idx][slot], tmp = *e;
        *e = *ve;
        *ve = tmp;
        *pa = e->pa_page | (va & ~PAGE_MASK);
        return 1;
    }
    return 0;
}

/* Record a successful translation of `va` -> `pa` for `access`. */
static void tlb_fill(ir_cpu *cpu, int idx, int access, uint64_t va, uint64_t pa)
{
    phys_map *pm = cpu->pm;
    unsigned slot = TLB_INDEX(va);
    tlb_entry *e = &cpu->tlb[idx][slot];
    uint64_t page = va & PAGE_MASK, pa_page = pa & PAGE_MASK;
    if (e->pa_page != pa_page || !entry_maps(e, page)) { /* an entry's tags share one page */
        tlb_side *t = &cpu->tlb_side[idx];
        log_used(cpu, idx, slot);
        if (entry_valid(e))
            t->victim[t->victim_next++ % TLB_VICTIMS] = *e;
        invalidate(e);
        e->pa_page = pa_page;
    }
    /* Fetches may use a RAM page that an MMIO region partly overlays (the
     * HTIF words sit in a test program's RAM), and so may reads when the
     * region only watches writes. */
    int ram = phys_is_ram(pm, pa_page);
    uint64_t tag = page;
    if (!ram || (access != ACC_EXEC && phys_page_has_io(pm, pa_page, access)) ||
        (access == ACC_WRITE && pm->code_pages[(pa_page - pm->ram_base) >> PAGE_BITS]) ||
        (access != ACC_EXEC && ((cpu->debug && ir_debug_watches_page(cpu->debug, page)) ||
                                (cpu->data_triggers && cpu->arch->trigger_page(cpu, page)))))
        tag |= TLB_SLOW;
    if (ram) {
        e->addend = (uint64_t)(uintptr_t)(pm->ram + (pa_page - pm->ram_base)) - page;
        pm->used_pages[(pa_page - pm->ram_base) >> PAGE_BITS] = 1;
    }
    e->tag[access] = tag;
}

/* Translate `va` for `access` under MMU index `idx` and refill the TLB.
 * Returns IR_OK or IR_TRAP. */
static int translate(ir_cpu *cpu, uint64_t va, int access, int idx, uint64_t pc, uint64_t *pa)
{
    uint64_t size = 0;
    if (victim_hit(cpu, idx, access, va, pa))
        return IR_OK;
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
    if (cpu->debug)
        ir_debug_access(cpu, va, size, IR_WATCH_READ);
    const uint8_t *p = tlb_lookup(cpu, cpu->data_idx, ACC_READ, va, size);
    if (p) { /* RAM, now in the TLB */
        uint64_t v = 0;
        memcpy(&v, p, size);
        *val = v;
        return IR_OK;
    }
    if (phys_read(cpu->pm, pa, size, val) != 0)
        return cpu->arch->access_fault(cpu, ACC_READ, va, pc, 0);
    return IR_OK;
}

int mmu_load_slow(ir_cpu *cpu, uint64_t va, unsigned size, uint64_t *val, uint64_t pc)
{
    if (cpu->data_triggers && cpu->arch->data_trigger(cpu, va, size, IR_WATCH_READ, pc) != IR_OK)
        return IR_TRAP;
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
    if (cpu->data_triggers && cpu->arch->data_trigger(cpu, va, size, IR_WATCH_WRITE, pc) != IR_OK)
        return IR_TRAP;
    uint64_t pa, pa2;
    unsigned first = PAGE_SIZE - (unsigned)(va & ~PAGE_MASK);
    if (first >= size) {
        if (translate(cpu, va, ACC_WRITE, cpu->data_idx, pc, &pa) != IR_OK)
            return IR_TRAP;
        if (cpu->debug)
            ir_debug_access(cpu, va, size, IR_WATCH_WRITE);
        uint8_t *p = tlb_lookup(cpu, cpu->data_idx, ACC_WRITE, va, size);
        if (p) { /* RAM that holds no code, now in the TLB */
            memcpy(p, &val, size);
            return cpu->exit_req ? IR_END : IR_OK;
        }
        return store_pa(cpu, va, pa, size, val, pc);
    }
    /* Crossing a page: translate both pages before writing anything. */
    uint64_t va2 = (va & PAGE_MASK) + PAGE_SIZE;
    if (translate(cpu, va, ACC_WRITE, cpu->data_idx, pc, &pa) != IR_OK ||
        translate(cpu, va2, ACC_WRITE, cpu->data_idx, pc, &pa2) != IR_OK)
        return IR_TRAP;
    if (cpu->debug)
        ir_debug_access(cpu, va, size, IR_WATCH_WRITE);
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
    if (cpu->data_triggers &&
        cpu->arch->data_trigger(cpu, va, size, IR_WATCH_READ | IR_WATCH_WRITE, pc) != IR_OK)
        return NULL;
    uint8_t *p = tlb_lookup(cpu, cpu->data_idx, ACC_WRITE, va, size);
    if (p)
        return p;
    uint64_t pa;
    if (translate(cpu, va, ACC_WRITE, cpu->data_idx, pc, &pa) != IR_OK)
        return NULL;
    if (cpu->debug)
        ir_debug_access(cpu, va, size, IR_WATCH_READ | IR_WATCH_WRITE);
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
