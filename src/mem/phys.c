/* Guest-physical address map: RAM and MMIO dispatch. */
#include "mem/phys.h"
#include "host/host.h"
#include "mem/tlb.h"

#include <stdlib.h>
#include <string.h>

int phys_init(phys_map *pm, uint64_t ram_base, uint64_t ram_size)
{
    memset(pm, 0, sizeof(*pm));
    ram_size = (ram_size + PAGE_SIZE - 1) & PAGE_MASK;
    if (ram_size == 0 || ram_size > SIZE_MAX)
        return -1;
    pm->ram = host_zalloc((size_t)ram_size);
    pm->code_pages = calloc(1, (size_t)(ram_size >> PAGE_BITS));
    pm->used_pages = calloc(1, (size_t)(ram_size >> PAGE_BITS));
    if (!pm->ram || !pm->code_pages || !pm->used_pages) {
        phys_free(pm);
        return -1;
    }
    pm->ram_base = ram_base;
    pm->ram_size = ram_size;
    return 0;
}

void phys_free(phys_map *pm)
{
    free(pm->ram);
    free(pm->code_pages);
    free(pm->used_pages);
    pm->ram = pm->code_pages = pm->used_pages = NULL;
}

int phys_add_io(phys_map *pm, uint64_t base, uint64_t size, const mmio_ops *ops, void *opaque)
{
    if (pm->nio == PHYS_MAX_REGIONS)
        return -1;
    pm->io[pm->nio++] = (phys_region){base, size, ops, opaque};
    if (base < pm->ram_base + pm->ram_size && pm->ram_base < base + size)
        pm->nio_over_ram++;
    return 0;
}

phys_region *phys_find_io(phys_map *pm, uint64_t pa)
{
    if (phys_is_ram(pm, pa) && !pm->nio_over_ram)
        return NULL;
    for (int i = 0; i < pm->nio; i++)
        if (pa - pm->io[i].base < pm->io[i].size)
            return &pm->io[i];
    return NULL;
}

int phys_page_has_io(phys_map *pm, uint64_t pa, int access)
{
    uint64_t page = pa & PAGE_MASK;
    if (phys_is_ram(pm, page) && !pm->nio_over_ram)
        return 0;
    for (int i = 0; i < pm->nio; i++)
        if (pm->io[i].base < page + PAGE_SIZE && page < pm->io[i].base + pm->io[i].size &&
            (access != ACC_READ || pm->io[i].ops->read))
            return 1;
    return 0;
}

uint8_t *phys_ram_ptr(phys_map *pm, uint64_t pa, uint64_t len)
{
    uint64_t off = pa - pm->ram_base;
    if (off >= pm->ram_size || len > pm->ram_size - off)
        return NULL;
    if (len)
        memset(pm->used_pages + (off >> PAGE_BITS), 1, ((off + len - 1) >> PAGE_BITS) - (off >> PAGE_BITS) + 1);
    return pm->ram + off;
}

uint8_t *phys_dma_write_ptr(phys_map *pm, uint64_t pa, uint64_t len)
{
    uint8_t *p = phys_ram_ptr(pm, pa, len);
    if (!p || len == 0)
        return p;
    uint64_t first = (pa - pm->ram_base) >> PAGE_BITS;
    uint64_t last = (pa + len - 1 - pm->ram_base) >> PAGE_BITS;
    for (uint64_t pg = first; pg <= last; pg++)
        if (pm->code_pages[pg] && pm->code_write)
            pm->code_write(pm->code_write_opaque, pm->ram_base + (pg << PAGE_BITS));
    return p;
}

int phys_read(phys_map *pm, uint64_t pa, unsigned size, uint64_t *val)
{
    phys_region *r = phys_find_io(pm, pa);
    if (r && (r->ops->read || !phys_is_ram(pm, pa))) {
        *val = r->ops->read ? r->ops->read(r->opaque, pa - r->base, size) : 0;
        return 0;
    }
    uint8_t *p = phys_ram_ptr(pm, pa, size);
    if (!p)
        return -1;
    uint64_t v = 0;
    memcpy(&v, p, size); /* little-endian host (x86-64, wasm) */
    *val = v;
    return 0;
}

int phys_write(phys_map *pm, uint64_t pa, unsigned size, uint64_t val)
{
    phys_region *r = phys_find_io(pm, pa);
    if (r) {
        if (r->ops->write)
            r->ops->write(r->opaque, pa - r->base, val, size);
        return 0;
    }
    uint8_t *p = phys_dma_write_ptr(pm, pa, size);
    if (!p)
        return -1;
    memcpy(p, &val, size);
    return 0;
}
