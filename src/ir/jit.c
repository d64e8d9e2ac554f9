/* The core side of the JIT: tiering, region descriptions, installation,
 * and the calls compiled code makes (see jit.h). */
#include "ir/jit.h"

#include <stdlib.h>
#include <string.h>

#include "ir/cache.h"
#include "mem/softmmu.h"

enum { PAGE_PENDING = 1, PAGE_FAILED = 2 };

int ir_jit_init(ir_jit *j, size_t pages)
{
    memset(j, 0, sizeof(*j));
    j->page_version = calloc(pages, sizeof(*j->page_version));
    j->page_state = calloc(pages, sizeof(*j->page_state));
    j->page_regions = calloc(pages, sizeof(*j->page_regions));
    j->pages = pages;
    return j->page_version && j->page_state && j->page_regions ? 0 : -1;
}

/* Drop every region of page `pg`: their functions die, their records go. */
static void drop_regions(ir_jit *j, size_t pg);

void ir_jit_free(ir_jit *j)
{
    for (size_t pg = 0; j->page_regions && pg < j->pages; pg++)
        drop_regions(j, pg);
    free(j->page_version);
    free(j->page_state);
    free(j->page_regions);
    free(j->dead);
    memset(j, 0, sizeof(*j));
}

static size_t page_index(const ir_cache *c, uint64_t pa)
{
    return (size_t)((pa - c->pm->ram_base) >> PAGE_BITS);
}

/* Nonzero if `r` still describes the page as it is. */
static int current(const ir_cache *c, const ir_jit_request *r)
{
    return phys_is_ram(c->pm, r->ppc_page) && c->jit.page_version[page_index(c, r->ppc_page)] == r->version;
}

static void push_dead(ir_jit *j, ir_jit_fn fn)
{
    if (j->ndead == j->dead_cap) {
        size_t cap = j->dead_cap ? 2 * j->dead_cap : 64;
        ir_jit_fn *d = realloc(j->dead, cap * sizeof(*d));
        if (!d)
            return; /* the host keeps the function: a leak, not an error */
        j->dead = d, j->dead_cap = cap;
    }
    j->dead[j->ndead++] = fn;
}

int ir_jit_hot(ir_cache *c, const ir_block *b)
{
    ir_jit *j = &c->jit;
    size_t pg = page_index(c, b->ppc);
    uint32_t st = j->page_state[pg];
    if ((st && st >> 2 == j->page_version[pg]) || j->nqueue == IR_JIT_QUEUE)
        return 0;
    j->queue[j->nqueue++] = (ir_jit_request){b->ppc & PAGE_MASK, b->vpc & PAGE_MASK, b->flags,
                                             j->page_version[pg]};
    j->page_state[pg] = j->page_version[pg] << 2 | PAGE_PENDING;
    j->requests++;
    return 1;
}

static void drop_regions(ir_jit *j, size_t pg)
{
    for (ir_jit_installed *r = j->page_regions[pg], *next; r; r = next) {
        next = r->next;
        push_dead(j, r->fn);
        free(r);
    }
    j->page_regions[pg] = NULL;
}

void ir_jit_page_dropped(ir_jit *j, size_t pg)
{
    j->page_version[pg]++;
    j->page_state[pg] = 0;
    drop_regions(j, pg);
}

int ir_jit_take_request(ir_jit *j, ir_jit_request *r)
{
    if (!j->nqueue)
        return 0;
    *r = j->queue[0];
    memmove(j->queue, j->queue + 1, --j->nqueue * sizeof(*r));
    return 1;
}

/* Nonzero if block `b` belongs to region `r`. */
static int in_region(const ir_block *b, const ir_jit_request *r)
{
    return (b->vpc & PAGE_MASK) == r->vpc_page && b->flags == r->flags;
}

/* Nonzero if block `b` of region `r` is compiled: it ran at least an eighth
 * of the threshold, or was compiled before. Cold blocks (boot code, error
 * paths) stay interpreted: they made region functions several times larger,
 * and V8 takes longer to optimise a larger function. One that warms up later
 * requests the page again. */
static int compiled(const ir_jit *j, const ir_block *b, const ir_jit_request *r)
{
    return in_region(b, r) && (b->jit_fn || (uint64_t)b->hits * 8 >= j->threshold);
}

static uint8_t *put(uint8_t *p, const void *v, size_t n)
{
    memcpy(p, v, n);
    return p + n;
}

size_t ir_jit_region(ir_cache *c, const ir_jit_request *r, uint8_t *out, size_t cap)
{
    if (!current(c, r))
        return 0;
    const ir_arch *arch = c->cpus[0]->arch;
    uint32_t nh = arch->helper_flags ? arch->nhelpers : 0, nt = arch->ntrap_regs, pad = 0;
    size_t need = 32 + ((nh + 3) & ~3u) + ((nt + 3) & ~3u);
    uint32_t n = 0;
    for (const ir_block *b = c->page_blocks[page_index(c, r->ppc_page)]; b; b = b->page_next)
        if (compiled(&c->jit, b, r)) {
            need += 16 + (size_t)b->nops * sizeof(ir_op);
            n++;
        }
    if (!n || need > cap)
        return n ? need : 0;
    uint8_t *p = put(out, &r->ppc_page, 8);
    p = put(p, &r->vpc_page, 8);
    p = put(p, &r->flags, 4);
    p = put(p, &n, 4);
    p = put(p, &nh, 4);
    if (nh)
        p = put(p, arch->helper_flags, nh);
    p = put(p, &pad, (4 - nh % 4) % 4);
    p = put(p, &nt, 4);
    if (nt)
        p = put(p, arch->trap_regs, nt);
    p = put(p, &pad, (4 - nt % 4) % 4);
    for (const ir_block *b = c->page_blocks[page_index(c, r->ppc_page)]; b; b = b->page_next)
        if (compiled(&c->jit, b, r)) {
            p = put(p, &b->vpc, 8);
            p = put(p, &b->len, 2);
            p = put(p, &b->ninsns, 2);
            p = put(p, &b->nops, 4);
            p = put(p, b->ops, (size_t)b->nops * sizeof(ir_op));
        }
    return need;
}

int ir_jit_install(ir_cache *c, const ir_jit_request *r, ir_jit_fn fn, const uint64_t *vpcs,
                   unsigned n)
{
    ir_jit *j = &c->jit;
    if (!current(c, r)) {
        j->stale++;
        return -1;
    }
    size_t pg = page_index(c, r->ppc_page);
    ir_jit_installed *rec = j->page_regions[pg];
    while (rec && (rec->vpc_page != r->vpc_page || rec->flags != r->flags))
        rec = rec->next;
    if (!rec) {
        if (!(rec = calloc(1, sizeof(*rec))))
            return -1;
        *rec = (ir_jit_installed){j->page_regions[pg], r->vpc_page, r->flags, NULL};
        j->page_regions[pg] = rec;
    }
    if (rec->fn)
        push_dead(j, rec->fn);
    for (ir_block *b = c->page_blocks[pg]; b; b = b->page_next) {
        if (!in_region(b, r))
            continue;
        b->jit_fn = NULL;
        for (unsigned i = 0; i < n; i++)
            if (vpcs[i] == b->vpc) {
                b->jit_fn = fn;
                b->jit_entry = i;
                break;
            }
    }
    rec->fn = fn;
    j->page_state[pg] = 0;
    j->installs++;
    return 0;
}

void ir_jit_fail(ir_cache *c, const ir_jit_request *r)
{
    c->jit.failures++;
    if (current(c, r))
        c->jit.page_state[page_index(c, r->ppc_page)] = r->version << 2 | PAGE_FAILED;
}

int ir_jit_evict(ir_cache *c, uint64_t ppc_page)
{
    ir_jit *j = &c->jit;
    if (!phys_is_ram(c->pm, ppc_page))
        return 0;
    size_t pg = page_index(c, ppc_page);
    int n = 0;
    for (const ir_jit_installed *r = j->page_regions[pg]; r; r = r->next)
        n++;
    for (ir_block *b = c->page_blocks[pg]; b; b = b->page_next)
        if (b->jit_fn)
            b->jit_fn = NULL, b->hits = 0;
    drop_regions(j, pg);
    j->evictions += (uint64_t)n;
    return n;
}

ir_jit_fn ir_jit_take_dead(ir_jit *j)
{
    return j->ndead ? j->dead[--j->ndead] : NULL;
}

void ir_jit_enter(ir_cpu *cpu, ir_block *b)
{
    uint64_t before = cpu->instret;
    do /* a region returns the next compiled block when it chains to one */
        b = b->jit_fn(cpu, (int)b->jit_entry);
    while (b);
    cpu->cache->jit.compiled_insns += cpu->instret - before;
    cpu->cache->jit.entries++;
}

int ir_jit_load(ir_cpu *cpu, uint64_t va, uint32_t size, uint64_t pc)
{
    return mmu_load_slow(cpu, va, size, &cpu->jit_val, pc);
}

int ir_jit_store(ir_cpu *cpu, uint64_t va, uint32_t size, uint64_t val, uint64_t pc)
{
    return mmu_store_slow(cpu, va, size, val, pc);
}

int ir_jit_helper(ir_cpu *cpu, int32_t index, uint32_t operands, uint32_t aux, uint32_t position)
{
    ir_op op = {(uint8_t)operands, (uint8_t)(operands >> 8), (uint8_t)(operands >> 16),
                (uint8_t)(operands >> 24), index, (uint16_t)position, (uint16_t)(position >> 16), aux};
    return cpu->arch->helpers[index](cpu, &op);
}
