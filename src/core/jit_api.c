/* The JIT's part of the public C API (wvm.h): what the host-side compiler
 * (wasm-jit/) needs from a machine. */
#include <stddef.h>

#include "core/machine.h"
#include "ir/jit.h"

void wvm_jit_configure(wvm_machine *m, uint32_t threshold, uint32_t flags)
{
    m->cache.jit.threshold = threshold;
    m->cache.jit.eager = (flags & WVM_JIT_EAGER) != 0;
}

int wvm_jit_take_request(wvm_machine *m, struct ir_jit_request *r) { return ir_jit_take_request(&m->cache.jit, r); }

size_t wvm_jit_region(wvm_machine *m, const struct ir_jit_request *r, uint8_t *out, size_t cap)
{
    return ir_jit_region(&m->cache, r, out, cap);
}

int wvm_jit_install(wvm_machine *m, const struct ir_jit_request *r, uintptr_t fn, const uint64_t *vpcs,
                    uint32_t n)
{
    return ir_jit_install(&m->cache, r, (ir_jit_fn)fn, vpcs, n);
}

void wvm_jit_fail(wvm_machine *m, const struct ir_jit_request *r) { ir_jit_fail(&m->cache, r); }

uintptr_t wvm_jit_take_dead(wvm_machine *m) { return (uintptr_t)ir_jit_take_dead(&m->cache.jit); }

int wvm_jit_evict(wvm_machine *m, uint64_t ppc_page) { return ir_jit_evict(&m->cache, ppc_page); }

const uint32_t *wvm_jit_layout(void)
{
    static uint32_t layout[32];
    uint32_t v[] = {
        WVM_JIT_LAYOUT_VERSION,
        (uint32_t)offsetof(ir_cpu, r), (uint32_t)offsetof(ir_cpu, pc),
        (uint32_t)offsetof(ir_cpu, instret), (uint32_t)offsetof(ir_cpu, instret_limit),
        (uint32_t)offsetof(ir_cpu, exit_req), (uint32_t)offsetof(ir_cpu, data_idx),
        (uint32_t)offsetof(ir_cpu, tlb), (uint32_t)sizeof(tlb_entry), TLB_BITS,
        (uint32_t)offsetof(tlb_entry, addend), (uint32_t)offsetof(ir_cpu, jit_val),
        (uint32_t)(uintptr_t)ir_jit_load, (uint32_t)(uintptr_t)ir_jit_store,
        (uint32_t)(uintptr_t)ir_jit_helper, IR_ZERO_SINK, (uint32_t)offsetof(ir_cpu, traps),
        (uint32_t)offsetof(ir_cpu, jmp_cache), IR_JMP_CACHE_BITS, (uint32_t)offsetof(ir_block, vpc),
        (uint32_t)offsetof(ir_block, flags), (uint32_t)offsetof(ir_block, jit_fn),
        (uint32_t)offsetof(ir_block, jit_entry),
    };
    for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        layout[i] = v[i];
    return layout;
}

const char *wvm_jit_op_names(void)
{
#define IR_NAME(name, cls) #name ","
    return IR_OPS(IR_NAME);
#undef IR_NAME
}

void wvm_jit_stats(wvm_machine *m, double *out)
{
    const ir_jit *j = &m->cache.jit;
    const double v[] = {(double)j->requests, (double)j->installs, (double)j->stale, (double)j->failures,
                        (double)j->evictions, (double)j->compiled_insns, (double)m->cache.invalidations,
                        (double)m->cache.flushes, (double)m->cache.blocks, (double)j->entries};
    for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        out[i] = v[i];
}
