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

#endif
