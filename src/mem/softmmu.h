/* Software MMU: TLB fill and flush, and the slow paths of guest-virtual
 * memory access (page walks through the front-end, MMIO dispatch, accesses
 * that cross a page, writes to pages holding translated code). */
#ifndef WVM_SOFTMMU_H
#define WVM_SOFTMMU_H

#include <stdint.h>
#include <string.h>

#include "ir/cpu.h"

/* Make every TLB entry of `cpu` invalid, whatever the memory held before
 * (a new hart's zeroed memory would otherwise match page 0). */
void tlb_init(ir_cpu *cpu);

/* Drop every TLB entry of `cpu` (all MMU indexes). */
void tlb_flush(ir_cpu *cpu);

/* Drop the entries for guest-virtual page `va` in every MMU index. */
void tlb_flush_page(ir_cpu *cpu, uint64_t va);

/* Send future writes by `cpu` to guest-physical page `pa_page` through the
 * slow path (the page now holds translated code). */
void tlb_protect_code_page(ir_cpu *cpu, uint64_t pa_page);

/* Load `size` bytes (1, 2, 4, 8) from guest-virtual `va` through the
 * current data MMU index; zero-extended into *val. `pc` is the guest-virtual
 * address of the instruction, for a precise fault. Returns IR_OK or IR_TRAP.
 * Misaligned accesses are performed (split at page boundaries). */
int mmu_load_slow(ir_cpu *cpu, uint64_t va, unsigned size, uint64_t *val, uint64_t pc);

/* Store the low `size` bytes of `val` at guest-virtual `va`. Returns IR_OK,
 * IR_TRAP (nothing was written), or IR_END when the write invalidated
 * translated code or requested a stop (the caller must leave its block). */
int mmu_store_slow(ir_cpu *cpu, uint64_t va, unsigned size, uint64_t val, uint64_t pc);

/* Host pointer for a naturally aligned read-modify-write (atomic memory
 * operation) of `size` bytes at guest-virtual `va`, checked for write
 * permission, in RAM. Misaligned or non-RAM addresses raise the
 * corresponding fault. Returns NULL when an exception was taken. */
uint8_t *mmu_rmw_ptr(ir_cpu *cpu, uint64_t va, unsigned size, uint64_t pc);

/* Translate instruction fetch address `va` (current fetch MMU index).
 * Stores the guest-physical address and a host pointer to the page's bytes
 * (NULL if the page is not RAM). Returns IR_OK or IR_TRAP. */
int mmu_fetch(ir_cpu *cpu, uint64_t va, uint64_t *pa, const uint8_t **host);

/* Side-effect-free translation (for the JIT, DMA and debuggers): the
 * guest-physical address of guest-virtual `va` for `access` (ACC_*) under
 * MMU index `mmu_idx`, as the guest would see it now. No exception is
 * raised, no accessed/dirty bit is written, the TLB is left as it is.
 * Returns 0 with *pa set, or -1 if the access would fault. */
int mmu_probe(ir_cpu *cpu, uint64_t va, int access, int mmu_idx, uint64_t *pa);

/* Fast-path host address for an access that stays within one page, or NULL. */
static inline uint8_t *tlb_lookup(ir_cpu *cpu, int idx, int access, uint64_t va, unsigned size)
{
    tlb_entry *e = &cpu->tlb[idx][TLB_INDEX(va)];
    if (e->tag[access] == ((va + size - 1) & PAGE_MASK))
        return (uint8_t *)(uintptr_t)(va + e->addend);
    return NULL;
}

/* Loads and stores as used by helpers: fast path, else slow path. */
static inline int mmu_load(ir_cpu *cpu, uint64_t va, unsigned size, uint64_t *val, uint64_t pc)
{
    uint8_t *p = tlb_lookup(cpu, cpu->data_idx, ACC_READ, va, size);
    if (!p)
        return mmu_load_slow(cpu, va, size, val, pc);
    uint64_t v = 0;
    memcpy(&v, p, size);
    *val = v;
    return IR_OK;
}

static inline int mmu_store(ir_cpu *cpu, uint64_t va, unsigned size, uint64_t val, uint64_t pc)
{
    uint8_t *p = tlb_lookup(cpu, cpu->data_idx, ACC_WRITE, va, size);
    if (!p)
        return mmu_store_slow(cpu, va, size, val, pc);
    memcpy(p, &val, size);
    return IR_OK;
}

#endif
