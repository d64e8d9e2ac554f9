/* The core side of the JIT (the compiler is wasm-jit/, in JavaScript): block
 * execution counts and compile requests (tiering), the description of a hot
 * region that the compiler reads, installation of compiled regions into
 * their blocks, and the calls that compiled code makes back into the core.
 *
 * A region is every block translated from one guest-physical page under one
 * guest-virtual page and one set of mode flags. Its compiled function runs
 * from any of its blocks and stays inside the region while control does,
 * returning to the dispatcher (ir_run) when it leaves the page, jumps
 * indirectly, ends a block with a helper, traps, spends its instruction
 * budget or sees exit_req: the same block boundaries at which the
 * interpreter checks them. A page's compiled region is dropped with its
 * blocks when the page is written (ir_cache_invalidate_page), and the host
 * learns which functions died (ir_jit_take_dead) to free them. */
#ifndef WVM_IR_JIT_H
#define WVM_IR_JIT_H

#include <stddef.h>
#include <stdint.h>

#include "ir/cpu.h"

/* A compiled region: run from block `entry` (its index in the region
 * description). Returns NULL at a block boundary where the dispatcher takes
 * over (cpu->pc is the next block), or the next block when that block is
 * compiled (from the hart's jump cache, with cpu->pc its start): ir_jit_enter
 * runs it at once, without a lookup. */
typedef struct ir_block *(*ir_jit_fn)(ir_cpu *cpu, int entry);

/* An installed region: one per (page, guest-virtual page, flags). */
typedef struct ir_jit_installed {
    struct ir_jit_installed *next;
    uint64_t vpc_page;
    uint32_t flags;
    ir_jit_fn fn;
} ir_jit_installed;

/* A compile request: one region, and the page version it was seen at. */
typedef struct ir_jit_request {
    uint64_t ppc_page, vpc_page; /* guest-physical / guest-virtual page addresses */
    uint32_t flags;              /* ir_block.flags of the region's blocks */
    uint32_t version;            /* page version when requested */
} ir_jit_request;

#define IR_JIT_QUEUE 64

typedef struct ir_jit {
    uint32_t threshold;     /* executions of a block before its region is compiled; 0: off */
    int eager;              /* a request stops the run at once (the host compiles it now) */
    uint32_t *page_version; /* per RAM page: bumped when its blocks are dropped */
    uint32_t *page_state;   /* per RAM page: version << 2 | 1 pending, | 2 failed; 0 idle */
    struct ir_jit_installed **page_regions; /* per RAM page: its installed regions */
    size_t pages;
    ir_jit_request queue[IR_JIT_QUEUE];
    unsigned nqueue;
    ir_jit_fn *dead;        /* installed functions no block uses any more */
    size_t ndead, dead_cap;
    /* statistics */
    uint64_t compiled_insns; /* guest instructions retired in compiled code */
    uint64_t entries;        /* calls into compiled code */
    uint64_t requests, installs, stale, failures, evictions;
} ir_jit;

typedef struct ir_cache ir_cache;

/* Allocate the per-page arrays for `pages` RAM pages. Returns 0 or -1. */
int ir_jit_init(ir_jit *j, size_t pages);
void ir_jit_free(ir_jit *j);

/* Block `b` reached the threshold: queue its region unless one is already
 * queued, compiling or failed for the page's current version. Returns 1 if
 * it queued one (in eager mode the engine then stops before running b). */
int ir_jit_hot(ir_cache *c, const ir_block *b);

/* The blocks of RAM page `pg` were dropped: its region dies (queued for
 * the host to free) and older requests for the page become stale. */
void ir_jit_page_dropped(ir_jit *j, size_t pg);

/* Take the oldest compile request into *r. Returns 1, or 0 if none. */
int ir_jit_take_request(ir_jit *j, ir_jit_request *r);

/* Describe region `r` for the compiler into `out` (`cap` bytes): a header
 * of u64 ppc_page, u64 vpc_page, u32 flags, u32 nblocks, u32 nhelpers and
 * the guest architecture's helper descriptors (ir_arch.helper_flags, one
 * byte per helper, zero-padded to a multiple of 4 bytes), u32 ntrap_regs
 * and ir_arch.trap_regs (one byte each, zero-padded to a multiple of 4
 * bytes), then per block
 * u64 vpc, u16 len (bytes), u16 ninsns, u32 nops and nops 16-byte ir_ops.
 * Returns the bytes written, 0 if the request is stale (the page changed)
 * or has no blocks, or the bytes needed if more than `cap`. */
size_t ir_jit_region(ir_cache *c, const ir_jit_request *r, uint8_t *out, size_t cap);

/* Install compiled region `fn` for request `r`: block i of its description
 * (guest-virtual start `vpcs[i]`, i < n) runs through fn(cpu, i). Returns 0,
 * or -1 if the request went stale meanwhile (fn was not installed). The
 * previous region of the same page, guest-virtual page and flags, if any,
 * is queued as dead. */
int ir_jit_install(ir_cache *c, const ir_jit_request *r, ir_jit_fn fn, const uint64_t *vpcs,
                   unsigned n);

/* The compiler could not compile request `r`: the page runs interpreted
 * until it is written again. */
void ir_jit_fail(ir_cache *c, const ir_jit_request *r);

/* Drop the compiled regions of guest-physical page `ppc_page` (code cache
 * eviction): its blocks run interpreted until hot again. Their functions
 * are queued as dead. Returns how many regions were dropped. */
int ir_jit_evict(ir_cache *c, uint64_t ppc_page);

/* Take one dead function (for the host to free). Returns NULL if none. */
ir_jit_fn ir_jit_take_dead(ir_jit *j);

/* Run the compiled region of `b` (b->jit_fn), and the compiled blocks it
 * chains to, and count their instructions. */
void ir_jit_enter(ir_cpu *cpu, ir_block *b);

/* Calls made by compiled code. Each returns IR_OK, IR_TRAP (exception taken,
 * cpu->pc is the handler) or IR_END (the store or helper ended the block).
 * `pc` is the guest-virtual address of the instruction. */
/* Load `size` bytes at guest-virtual `va` into cpu->jit_val (mmu_load_slow). */
int ir_jit_load(ir_cpu *cpu, uint64_t va, uint32_t size, uint64_t pc);
/* Store the low `size` bytes of `val` at `va` (mmu_store_slow). */
int ir_jit_store(ir_cpu *cpu, uint64_t va, uint32_t size, uint64_t val, uint64_t pc);
/* Run helper `index` of the front-end for the op with these fields
 * (operands = opc | rd << 8 | rs1 << 16 | rs2 << 24, position = pc_off |
 * insns_after << 16); cpu->pc must be the block's start and cpu->instret
 * include the whole block, as in the interpreter. */
int ir_jit_helper(ir_cpu *cpu, int32_t index, uint32_t operands, uint32_t aux, uint32_t position);

#endif
