/* Breakpoint and watchpoint tables (ir/debug.h). */
#include "ir/debug.h"

#include "ir/cpu.h"
#include "mem/phys.h"

int ir_debug_add_breakpoint(ir_debug *d, uint64_t pc)
{
    if (ir_debug_is_breakpoint(d, pc))
        return 0;
    if (d->nbp == IR_DEBUG_MAX_BREAKPOINTS)
        return -1;
    d->bp[d->nbp++] = pc;
    return 0;
}

int ir_debug_remove_breakpoint(ir_debug *d, uint64_t pc)
{
    for (int i = 0; i < d->nbp; i++)
        if (d->bp[i] == pc) {
            d->bp[i] = d->bp[--d->nbp];
            return 0;
        }
    return -1;
}

int ir_debug_is_breakpoint(const ir_debug *d, uint64_t pc)
{
    for (int i = 0; i < d->nbp; i++)
        if (d->bp[i] == pc)
            return 1;
    return 0;
}

int ir_debug_add_watchpoint(ir_debug *d, uint64_t va, uint64_t len, int kinds)
{
    if (d->nwp == IR_DEBUG_MAX_WATCHPOINTS || len == 0 || va + len < va)
        return -1;
    d->wp[d->nwp++] = (ir_watchpoint){va, len, kinds};
    return 0;
}

int ir_debug_remove_watchpoint(ir_debug *d, uint64_t va, uint64_t len, int kinds)
{
    for (int i = 0; i < d->nwp; i++)
        if (d->wp[i].va == va && d->wp[i].len == len && d->wp[i].kinds == kinds) {
            d->wp[i] = d->wp[--d->nwp];
            return 0;
        }
    return -1;
}

int ir_debug_watches_page(const ir_debug *d, uint64_t page)
{
    for (int i = 0; i < d->nwp; i++)
        if (d->wp[i].va < page + PAGE_SIZE && page < d->wp[i].va + d->wp[i].len)
            return 1;
    return 0;
}

void ir_debug_access(ir_cpu *cpu, uint64_t va, unsigned size, int kind)
{
    ir_debug *d = cpu->debug;
    for (int i = 0; i < d->nwp && !d->hit; i++) {
        const ir_watchpoint *w = &d->wp[i];
        if ((w->kinds & kind) && w->va < va + size && va < w->va + w->len) {
            d->hit = 1;
            d->hit_kind = kind;
            d->hit_va = va > w->va ? va : w->va;
            d->hit_cpu = cpu;
            cpu->exit_req = 1;
        }
    }
}
