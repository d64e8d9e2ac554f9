/* Guest-physical address map: one RAM range plus MMIO regions with device
 * callbacks. Every guest-physical access that leaves the TLB fast path comes
 * here, and nothing a guest controls can reach host memory outside `ram`. */
#ifndef WVM_PHYS_H
#define WVM_PHYS_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_BITS 12
#define PAGE_SIZE (1u << PAGE_BITS)
#define PAGE_MASK (~(uint64_t)(PAGE_SIZE - 1))

/* Device register callbacks. `offset` is in bytes from the region base,
 * `size` is the access width in bytes (1, 2, 4 or 8). A read returns the
 * value zero-extended; unimplemented registers read as 0 and ignore writes.
 * A region over RAM with no read callback is a write watch: reads see the
 * RAM (and keep the fast path), writes go to the callback. */
typedef struct mmio_ops {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
} mmio_ops;

typedef struct phys_region {
    uint64_t base, size; /* guest-physical, bytes */
    const mmio_ops *ops;
    void *opaque;
} phys_region;

#define PHYS_MAX_REGIONS 32

typedef struct phys_map {
    uint8_t *ram;            /* host pointer to guest RAM (one allocation) */
    uint64_t ram_base;       /* guest-physical address of ram[0] */
    uint64_t ram_size;       /* bytes, a multiple of PAGE_SIZE */
    uint8_t *code_pages;     /* one byte per RAM page: nonzero = holds translated code */
    /* One byte per RAM page: nonzero once a host pointer into it was handed
     * out (phys_ram_ptr, a TLB entry, a state load). A page never used is
     * zero without looking at it (a snapshot skips it unread). */
    uint8_t *used_pages;
    phys_region io[PHYS_MAX_REGIONS];
    int nio;
    int nio_over_ram;        /* regions that overlay RAM: while 0, RAM needs no region lookup */
    /* Called when guest-physical page `pa` (page-aligned), which holds
     * translated code, is written by the CPU or by DMA. */
    void (*code_write)(void *opaque, uint64_t pa);
    void *code_write_opaque;
} phys_map;

/* Allocate `ram_size` bytes (rounded up to a page) of zeroed RAM at guest-
 * physical `ram_base`. Returns 0, or -1 if the host allocation fails. */
int phys_init(phys_map *pm, uint64_t ram_base, uint64_t ram_size);
/* Release RAM and the code-page map (safe after a failed init). */
void phys_free(phys_map *pm);

/* Map an MMIO region [base, base+size). Regions may overlay RAM (the region
 * wins; the page then never gets a fast-path TLB entry). Returns 0, or -1 if
 * the table is full. */
int phys_add_io(phys_map *pm, uint64_t base, uint64_t size, const mmio_ops *ops, void *opaque);

/* The MMIO region containing guest-physical `pa`, or NULL. */
phys_region *phys_find_io(phys_map *pm, uint64_t pa);

/* Nonzero if an MMIO region that handles `access` (ACC_READ: regions with a
 * read callback; ACC_WRITE: any) overlaps the page containing `pa`. */
int phys_page_has_io(phys_map *pm, uint64_t pa, int access);

/* Host pointer for guest-physical [pa, pa+len) if it lies wholly in RAM,
 * else NULL. For loaders and DMA reads; DMA writes use phys_dma_write_ptr. */
uint8_t *phys_ram_ptr(phys_map *pm, uint64_t pa, uint64_t len);

/* As phys_ram_ptr, for a range the caller is about to write: invalidates
 * translated code in the range first. */
uint8_t *phys_dma_write_ptr(phys_map *pm, uint64_t pa, uint64_t len);

/* Access `size` bytes (1, 2, 4, 8) at guest-physical `pa`, little-endian.
 * RAM or MMIO; the access must not cross a page. Returns 0, or -1 when no
 * RAM or device is there (the caller raises an access fault). */
int phys_read(phys_map *pm, uint64_t pa, unsigned size, uint64_t *val);
int phys_write(phys_map *pm, uint64_t pa, unsigned size, uint64_t val);

/* Mark the RAM page containing `pa` as holding translated code. */
static inline void phys_mark_code(phys_map *pm, uint64_t pa)
{
    pm->code_pages[(pa - pm->ram_base) >> PAGE_BITS] = 1;
}

static inline int phys_is_ram(const phys_map *pm, uint64_t pa)
{
    return pa - pm->ram_base < pm->ram_size;
}

#endif
