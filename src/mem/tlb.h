/* The software TLB: guest-virtual page -> host address addend, one table per
 * MMU index, with separate tags per access type (QEMU's scheme). A tag is the
 * page-aligned guest-virtual address when the fast path may be used for that
 * access type; TLB_SLOW in a tag sends matching accesses to the slow path
 * (MMIO, code pages, PMP-split pages); TLB_INVALID never matches. */
#ifndef WVM_TLB_H
#define WVM_TLB_H

#include <stdint.h>

#define TLB_BITS 9
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_SLOW 1ull
#define TLB_INVALID (~0ull)

/* MMU indexes: which translation regime an access uses. */
enum { MMU_U = 0, MMU_S = 1, MMU_S_SUM = 2, MMU_M = 3, MMU_NIDX = 4 };

/* Access types (also the order of the tags in tlb_entry). */
enum { ACC_READ = 0, ACC_WRITE = 1, ACC_EXEC = 2 };

typedef struct tlb_entry {
    uint64_t tag[3];  /* indexed by ACC_*: page VA, VA|TLB_SLOW, or TLB_INVALID */
    uint64_t addend;  /* host address = guest-virtual address + addend (RAM only) */
    uint64_t pa_page; /* guest-physical page address */
} tlb_entry;

#define TLB_INDEX(va) (((va) >> 12) & (TLB_SIZE - 1))

/* Append `slot` to a log that holds at most `max` slots (*n counts them);
 * a slot past that marks the log overflowed (*n = max + 1) and is dropped. */
static inline void slot_log_add(uint16_t *log, uint16_t *n, unsigned max, unsigned slot)
{
    if (*n < max)
        log[(*n)++] = (uint16_t)slot;
    else if (*n == max)
        (*n)++;
}

#define TLB_VICTIMS 8    /* entries evicted from one MMU index's table, kept for reuse */
#define TLB_USED_MAX 128 /* slots a flush clears one by one; past this it clears the table */

/* Per MMU index, what the fast-path table does not hold: a victim TLB (as
 * QEMU's: a fill that evicts a valid entry moves it here, and a miss looks
 * here before walking the page table, so two hot pages that share a slot do
 * not walk on each access), the slots filled since the last flush (a flush
 * after a context switch touches a few dozen pages, not the whole table),
 * and the guest-virtual range covering every superpage entered (QEMU's
 * large_page_addr/mask: a page flush inside it flushes the index; no
 * superpage: large_va ~0, large_mask 0, which never matches). */
typedef struct tlb_side {
    tlb_entry victim[TLB_VICTIMS];
    uint64_t large_va, large_mask;
    uint16_t used[TLB_USED_MAX];
    uint16_t nused;       /* entries of used[]; TLB_USED_MAX + 1: overflowed */
    uint8_t victim_next;  /* round-robin replacement in victim[] */
} tlb_side;

#endif
