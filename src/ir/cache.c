/* Translation block cache. */
#include "ir/cache.h"

#include <stdlib.h>
#include <string.h>

#include "mem/softmmu.h"

#ifdef WVM_VERIFY_IR
#include <stdio.h>

#include "ir/verify.h"

/* Debug builds: every decoded block satisfies the IR contract, or the
 * front-end has a bug (print the block, stop). */
static void verify(const ir_cpu *cpu, const ir_block *b)
{
    const char *why = ir_verify_block(b, cpu->arch->nhelpers);
    if (why) {
        fprintf(stderr, "wvm: IR verifier: %s\n", why);
        ir_print_block(stderr, b);
        abort();
    }
}
#else
#define verify(cpu, b) ((void)0)
#endif

static void on_code_write(void *opaque, uint64_t pa)
{
    ir_cache_invalidate_page(opaque, pa & PAGE_MASK);
}

int ir_cache_init(ir_cache *c, phys_map *pm, size_t arena_bytes)
{
    memset(c, 0, sizeof(*c));
    unsigned buckets = 1u << 16;
    c->arena = malloc(arena_bytes);
    c->hash = calloc(buckets, sizeof(*c->hash));
    c->scratch = malloc(sizeof(ir_block) + IR_BLOCK_MAX_OPS * sizeof(ir_op));
    c->page_blocks = calloc(pm->ram_size >> PAGE_BITS, sizeof(*c->page_blocks));
    if (!c->arena || !c->hash || !c->scratch || !c->page_blocks ||
        ir_jit_init(&c->jit, pm->ram_size >> PAGE_BITS) != 0) {
        ir_cache_free(c);
        return -1;
    }
    c->arena_size = arena_bytes;
    c->hash_mask = buckets - 1;
    c->pm = pm;
    pm->code_write = on_code_write;
    pm->code_write_opaque = c;
    return 0;
}

void ir_cache_free(ir_cache *c)
{
    free(c->arena);
    free(c->hash);
    free(c->scratch);
    free(c->page_blocks);
    ir_jit_free(&c->jit);
    c->arena = NULL;
    c->hash = NULL;
    c->scratch = NULL;
    c->page_blocks = NULL;
}

void ir_cache_attach(ir_cache *c, ir_cpu *cpu)
{
    c->cpus[c->ncpus++] = cpu;
    cpu->cache = c;
}

void ir_cache_flush(ir_cache *c)
{
    size_t pages = c->pm->ram_size >> PAGE_BITS;
    memset(c->hash, 0, (c->hash_mask + 1) * sizeof(*c->hash));
    memset(c->page_blocks, 0, pages * sizeof(*c->page_blocks));
    memset(c->pm->code_pages, 0, pages);
    for (size_t pg = 0; pg < pages; pg++)
        ir_jit_page_dropped(&c->jit, pg);
    c->used = 0;
    c->flushes++;
    c->generation++;
    for (int i = 0; i < c->ncpus; i++)
        ir_jmp_cache_clear(c->cpus[i]);
}

static unsigned hash_pc(const ir_cache *c, uint64_t ppc)
{
    return (unsigned)((ppc >> 1) ^ (ppc >> 13)) & c->hash_mask;
}

void ir_cache_invalidate_page(ir_cache *c, uint64_t pa_page)
{
    size_t pg = (size_t)((pa_page - c->pm->ram_base) >> PAGE_BITS);
    for (ir_block *b = c->page_blocks[pg]; b; b = b->page_next) {
        ir_block **p = &c->hash[hash_pc(c, b->ppc)];
        while (*p != b)
            p = &(*p)->hash_next;
        *p = b->hash_next;
        for (int i = 0; i < c->ncpus; i++) {
            ir_block **slot = &c->cpus[i]->jmp_cache[IR_JMP_CACHE_INDEX(b->vpc)];
            if (*slot == b)
                *slot = NULL;
        }
    }
    c->page_blocks[pg] = NULL;
    c->pm->code_pages[pg] = 0;
    ir_jit_page_dropped(&c->jit, pg);
    c->invalidations++;
    c->generation++;
    for (int i = 0; i < c->ncpus; i++) /* compiled code checks it between blocks */
        if (!c->cpus[i]->exit_req)
            c->cpus[i]->exit_req = 1;
}

/* Reserve arena space for a block of up to IR_BLOCK_MAX_OPS ops. */
static ir_block *arena_reserve(ir_cache *c)
{
    size_t need = sizeof(ir_block) + IR_BLOCK_MAX_OPS * sizeof(ir_op);
    if (c->used + need > c->arena_size)
        ir_cache_flush(c);
    return (ir_block *)(c->arena + c->used);
}

ir_block *ir_cache_get(ir_cpu *cpu)
{
    ir_cache *c = cpu->cache;
    uint64_t vpc = cpu->pc, ppc;
    const uint8_t *host;
    if (mmu_fetch(cpu, vpc, &ppc, &host) != IR_OK)
        return NULL;
    unsigned h = hash_pc(c, ppc);
    for (ir_block *b = c->hash[h]; b; b = b->hash_next)
        if (b->ppc == ppc && b->vpc == vpc && b->flags == cpu->block_flags)
            return b;
    if (!host)
        return cpu->arch->access_fault(cpu, ACC_EXEC, vpc, vpc, 0), NULL;

    ir_block *b = arena_reserve(c);
    memset(b, 0, sizeof(*b));
    b->vpc = vpc;
    b->ppc = ppc;
    b->flags = cpu->block_flags;
    if (cpu->arch->decode(cpu, b, host + (ppc & ~PAGE_MASK), IR_BLOCK_MAX_OPS) != IR_OK)
        return NULL;
    verify(cpu, b);
    /* A block whose last instruction crosses into the next page depends on
     * two translations: run it from scratch space, uncached. */
    if ((ppc & ~PAGE_MASK) + b->len > PAGE_SIZE) {
        size_t sz = sizeof(ir_block) + b->nops * sizeof(ir_op);
        memcpy(c->scratch, b, sz);
        return c->scratch;
    }
    c->used += (sizeof(ir_block) + b->nops * sizeof(ir_op) + 15) & ~(size_t)15;
    c->blocks++;
    b->hash_next = c->hash[h];
    c->hash[h] = b;
    uint64_t pa_page = ppc & PAGE_MASK;
    size_t pg = (size_t)((pa_page - c->pm->ram_base) >> PAGE_BITS);
    b->page_next = c->page_blocks[pg];
    c->page_blocks[pg] = b;
    if (!c->pm->code_pages[pg]) {
        phys_mark_code(c->pm, pa_page);
        for (int i = 0; i < c->ncpus; i++)
            tlb_protect_code_page(c->cpus[i], pa_page);
    }
    return b;
}
