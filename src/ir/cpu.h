/* Architecture-neutral CPU state seen by the engines (interpreter and JIT),
 * and the hooks a guest front-end provides. An architecture's hart struct
 * embeds ir_cpu as its first member. */
#ifndef WVM_IR_CPU_H
#define WVM_IR_CPU_H

#include <stdint.h>

#include "ir/ir.h"
#include "mem/phys.h"
#include "mem/tlb.h"

typedef struct ir_cpu ir_cpu;

/* Jump cache: recently entered blocks by guest-virtual PC (QEMU's
 * tb_jmp_cache), so indirect jumps, returns and page-crossing branches skip
 * the instruction fetch translation and the block hash lookup. */
#define IR_JMP_CACHE_BITS 12
#define IR_JMP_USED_MAX 256
/* The slot of `vpc`: its halfword offset in the page mixed with the page
 * number, so hot targets at the same offset of different pages (a call
 * into a library and the return into the caller) rarely collide. Compiled
 * code computes the same (wasm-jit/compile.mjs, chain). */
#define IR_JMP_CACHE_INDEX(vpc)                                                \
    ((unsigned)(((vpc) >> 1) ^ ((vpc) >> 12)) & ((1u << IR_JMP_CACHE_BITS) - 1))
typedef struct ir_cache ir_cache;

/* A helper: runs one guest instruction that the IR does not express
 * directly. Returns IR_OK, IR_TRAP (exception taken) or IR_END (cpu->pc set,
 * leave the block). */
typedef int (*ir_helper_fn)(ir_cpu *cpu, const ir_op *op);

/* What a guest front-end provides to the engines. */
typedef struct ir_arch {
    /* Translate guest-virtual `va` for `access` (ACC_*) under `mmu_idx`,
     * checking permissions (page tables and physical memory protection).
     * On success stores the guest-physical address in *pa and in *page_size
     * the bytes of the naturally aligned guest-virtual region that the same
     * leaf entry maps (4 KiB, or a superpage's size), or 0 when permissions
     * differ within the 4 KiB page (no TLB entry may be made), and returns
     * IR_OK. On a fault it raises the guest exception with `pc` as the
     * faulting instruction address and returns IR_TRAP. With `probe`
     * nonzero it has no side effect: no exception on a fault (IR_TRAP is
     * returned) and no accessed/dirty bit written. */
    int (*translate)(ir_cpu *cpu, uint64_t va, int access, int mmu_idx, uint64_t pc,
                     uint64_t *pa, uint64_t *page_size, int probe);
    /* Raise the access fault for `access` at `va` (no RAM or device there, or
     * a misaligned atomic when `misaligned`). Returns IR_TRAP. */
    int (*access_fault)(ir_cpu *cpu, int access, uint64_t va, uint64_t pc, int misaligned);
    /* Decode guest code at cpu->pc (guest-physical `ppc`, host bytes `code`
     * valid up to the end of the page) into `b` (capacity `max_ops` ops).
     * Sets b->len, b->ninsns, b->nops. Returns IR_OK, or IR_TRAP if the
     * first instruction could not be fetched (exception taken). */
    int (*decode)(ir_cpu *cpu, ir_block *b, const uint8_t *code, unsigned max_ops);
    const ir_helper_fn *helpers;
    unsigned nhelpers; /* entries of helpers[] (HELPER ops' imm is below it) */
    /* Per helper, the registers it touches (IR_HF_*, ir.h): engines that
     * keep registers outside ir_cpu.r[] (the JIT) store and reload only
     * those around the call. */
    const uint8_t *helper_flags;
    /* The registers an exception entry reads or writes (A64: SP, banked
     * there, and NZCV, saved to SPSR), `ntrap_regs` of them: engines that
     * keep registers outside ir_cpu.r[] store these before any call that
     * can take an exception (a load or store slow path, a helper), and do
     * not store them again after it trapped. */
    const uint8_t *trap_regs;
    unsigned ntrap_regs;
    /* Load and store triggers of the guest (RISC-V Sdtrig), checked while
     * ir_cpu.data_triggers is set. data_trigger: before an access of
     * `size` bytes at guest-virtual `va` of `kinds` (IR_WATCH_READ and/or
     * IR_WATCH_WRITE, ir/debug.h) by the instruction at `pc`; raises the
     * guest's exception and returns IR_TRAP if a trigger fires, else IR_OK.
     * trigger_page: nonzero if a trigger may fire on an address of the
     * guest-virtual page `page` (its TLB entries then take the slow path). */
    int (*data_trigger)(ir_cpu *cpu, uint64_t va, unsigned size, int kinds, uint64_t pc);
    int (*trigger_page)(ir_cpu *cpu, uint64_t page);
} ir_arch;

struct ir_cpu {
    uint64_t r[IR_NREGS];
    uint64_t pc;          /* guest-virtual; during a block, the block's start */
    uint64_t instret;     /* guest instructions retired */
    uint64_t instret_limit; /* ir_run returns once instret reaches this */
    uint64_t traps;       /* exceptions taken by instructions that did not retire (each also
                           * lowers instret_limit by one: a trap spends budget) */
    uint32_t block_flags; /* mode bits that change decoding (keys blocks) */
    uint8_t fetch_idx;    /* MMU_* index for instruction fetch */
    uint8_t data_idx;     /* MMU_* index for loads and stores */
    int exit_req;         /* nonzero: leave ir_run at the next block boundary */
    uint64_t jit_val;     /* value of a compiled load's slow path (ir_jit_load) */
    tlb_entry tlb[MMU_NIDX][TLB_SIZE];
    tlb_side tlb_side[MMU_NIDX];
    /* Valid while no TLB flush and no block-cache flush happened since the
     * entry was made: both clear it (ir_jmp_cache_clear). */
    ir_block *jmp_cache[1u << IR_JMP_CACHE_BITS];
    /* Slots of jmp_cache filled since it was last cleared, so that clearing
     * it (every TLB flush: each context switch) touches only those; past
     * IR_JMP_USED_MAX (jmp_nused = IR_JMP_USED_MAX + 1) it clears them all. */
    uint16_t jmp_used[IR_JMP_USED_MAX];
    uint16_t jmp_nused;
    phys_map *pm;
    ir_cache *cache;
    const ir_arch *arch;
    /* A debugger's breakpoints and watchpoints (ir/debug.h), or NULL. */
    struct ir_debug *debug;
    /* Most guest instructions per translated block; 0: the front-end's own
     * limit. 1 while debugging. Blocks translated under another limit must
     * be flushed when it changes (they share cache keys). */
    uint16_t block_insns_max;
    /* Nonzero while the guest has load or store triggers (ir_arch.data_trigger). */
    uint8_t data_triggers;
};

/* Forget the blocks in cpu's jump cache: call when translations of
 * guest-virtual addresses may have changed (every TLB flush). */
static inline void ir_jmp_cache_clear(ir_cpu *cpu)
{
    if (cpu->jmp_nused > IR_JMP_USED_MAX)
        __builtin_memset(cpu->jmp_cache, 0, sizeof(cpu->jmp_cache));
    else
        for (unsigned i = 0; i < cpu->jmp_nused; i++)
            cpu->jmp_cache[cpu->jmp_used[i]] = 0;
    cpu->jmp_nused = 0;
}

/* Put block b in jump-cache slot `slot` (an IR_JMP_CACHE_INDEX). */
static inline void ir_jmp_cache_set(ir_cpu *cpu, unsigned slot, ir_block *b)
{
    if (!cpu->jmp_cache[slot])
        slot_log_add(cpu->jmp_used, &cpu->jmp_nused, IR_JMP_USED_MAX, slot);
    cpu->jmp_cache[slot] = b;
}

#endif
