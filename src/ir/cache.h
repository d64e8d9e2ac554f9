/* The translation block cache, shared by all harts of a machine: blocks keyed
 * by (guest-physical PC, guest-virtual PC, mode flags) in a hash table, their
 * ops in one arena, and a list of blocks per guest-physical page (QEMU's
 * PageDesc). A write to a page holding translated code invalidates that
 * page's blocks only; their memory is reclaimed when the arena is full and
 * the whole cache is flushed, which happens only between blocks (so a block
 * that invalidates its own page finishes on intact ops). Block chains never
 * leave a page, so no chain outside the page leads into an invalidated
 * block. */
#ifndef WVM_IR_CACHE_H
#define WVM_IR_CACHE_H

#include "ir/cpu.h"
#include "ir/jit.h"

#define IR_MAX_CPUS 8
#define IR_BLOCK_MAX_OPS 160

struct ir_cache {
    uint8_t *arena;
    size_t arena_size, used; /* bytes */
    ir_block **hash;
    unsigned hash_mask;
    phys_map *pm;
    ir_cpu *cpus[IR_MAX_CPUS];
    int ncpus;
    ir_block **page_blocks; /* per RAM page: its blocks (page_next list) */
    /* Bumped by every flush and page invalidation: an engine that sees it
     * change while running a block must not follow or record chains. */
    uint64_t generation;
    uint64_t flushes;       /* whole-cache flushes so far */
    uint64_t invalidations; /* page invalidations so far */
    uint64_t blocks;        /* blocks translated so far */
    ir_jit jit;             /* compiled regions (ir/jit.h) */
    ir_block *scratch; /* block for code that must not be cached */
};

/* Create a cache with `arena_bytes` of op storage for the harts that will be
 * attached with ir_cache_attach. Hooks the phys_map's code-write callback.
 * Returns 0, or -1 if allocation fails. */
int ir_cache_init(ir_cache *c, phys_map *pm, size_t arena_bytes);
/* Release the cache's memory (safe after a failed init). */
void ir_cache_free(ir_cache *c);

/* Register a hart with the cache (its TLB is kept coherent with code pages). */
void ir_cache_attach(ir_cache *c, ir_cpu *cpu);

/* Drop every block and every code-page mark (and every hart's jump cache). */
void ir_cache_flush(ir_cache *c);

/* Drop the blocks translated from guest-physical page `pa_page` (page-
 * aligned, in RAM): they leave the hash table, the page list and the
 * harts' jump caches, and the page is no longer marked as code. */
void ir_cache_invalidate_page(ir_cache *c, uint64_t pa_page);

/* The block at cpu->pc for the current mode, translating it if needed.
 * Returns NULL if an exception was taken while fetching (cpu->pc is then the
 * trap handler). */
ir_block *ir_cache_get(ir_cpu *cpu);

/* ir_cache_get through cpu's jump cache: a block entered before at the same
 * guest-virtual PC and mode, with no TLB or cache flush since, is returned
 * without translating the PC again. */
static inline ir_block *ir_cache_lookup(ir_cpu *cpu)
{
    unsigned slot = IR_JMP_CACHE_INDEX(cpu->pc);
    ir_block *b = cpu->jmp_cache[slot];
    if (b && b->vpc == cpu->pc && b->flags == cpu->block_flags)
        return b;
    b = ir_cache_get(cpu);
    if (b && b != cpu->cache->scratch)
        ir_jmp_cache_set(cpu, slot, b);
    return b;
}

#endif
