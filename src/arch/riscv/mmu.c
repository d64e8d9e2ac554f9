/* Address translation: Sv39/Sv48/Sv57 page-table walks with hardware A/D
 * updates (Privileged Spec v1.12, 4.3.2 and 4.4-4.6) and physical memory
 * protection (3.7). */
#include "arch/riscv/hart.h"

#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define PTE_PPN_MASK 0x003ffffffffffc00ull /* bits 53:10 */
#define PTE_RESERVED 0xffc0000000000000ull /* N, PBMT, reserved: not implemented */

enum { PMP_R = 1, PMP_W = 2, PMP_X = 4, PMP_A = 0x18, PMP_L = 0x80 };
enum { PMP_OFF = 0, PMP_TOR = 1, PMP_NA4 = 2, PMP_NAPOT = 3 };

static const int pmp_perm_of[3] = {PMP_R, PMP_W, PMP_X}; /* by ACC_* */
static const int page_fault_of[3] = {CAUSE_LOAD_PAGE, CAUSE_STORE_PAGE, CAUSE_FETCH_PAGE};
static const int access_fault_of[3] = {CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS, CAUSE_FETCH_ACCESS};
static const int misaligned_of[3] = {CAUSE_MISALIGNED_LOAD, CAUSE_MISALIGNED_STORE, CAUSE_MISALIGNED_FETCH};

/* Byte range [lo, hi) covered by PMP entry i, or lo == hi when off. */
static void pmp_range(const rv_hart *h, int i, uint64_t *lo, uint64_t *hi)
{
    uint64_t a = h->pmpaddr[i];
    switch ((h->pmpcfg[i] & PMP_A) >> 3) {
    case PMP_TOR:
        *lo = i ? h->pmpaddr[i - 1] << 2 : 0;
        *hi = a << 2;
        break;
    case PMP_NA4:
        *lo = a << 2;
        *hi = *lo + 4;
        break;
    case PMP_NAPOT: {
        int ones = __builtin_ctzll(~a); /* trailing ones: size = 2^(ones+3) */
        uint64_t size = ones >= 61 ? 0 : 8ull << ones;
        *lo = (a & ~((1ull << ones) - 1)) << 2;
        *hi = size ? *lo + size : ~0ull;
        if (ones >= 61)
            *lo = 0;
        break;
    }
    default:
        *lo = *hi = 0;
    }
}

/* Remember that [lo, hi), the part of entry i's range that no lower-
 * numbered entry touches (none contains pa), has entry i's permissions for
 * S and U mode, rounded inward to whole pages. */
static void pmp_memo(rv_hart *h, int i, uint64_t pa, uint64_t lo, uint64_t hi)
{
    for (int j = 0; j < i; j++) {
        uint64_t jlo, jhi;
        pmp_range(h, j, &jlo, &jhi);
        if (jlo >= jhi)
            continue;
        if (jhi <= pa && jhi > lo)
            lo = jhi;
        else if (jlo > pa && jlo < hi)
            hi = jlo;
    }
    lo = (lo + PAGE_SIZE - 1) & PAGE_MASK;
    hi &= PAGE_MASK;
    h->pmp_memo_lo = lo;
    h->pmp_memo_size = hi > lo ? hi - lo : 0;
    h->pmp_memo_perm = h->pmpcfg[i] & (PMP_R | PMP_W | PMP_X);
}

void rv_pmp_changed(rv_hart *h)
{
    h->pmp_active = 0;
    h->pmp_memo_size = 0;
    for (int i = 0; i < RV_PMP_COUNT; i++)
        if (h->pmpcfg[i] & 0x18) /* A != OFF */
            h->pmp_active = 1;
}

int rv_pmp_check(rv_hart *h, uint64_t pa, int access, int priv, int *uniform)
{
    *uniform = 1;
    if (!h->pmp_active)
        return 1;
    if (priv != PRV_M && pa - h->pmp_memo_lo < h->pmp_memo_size)
        return (h->pmp_memo_perm & pmp_perm_of[access]) != 0;
    uint64_t page = pa & PAGE_MASK, page_end = page + PAGE_SIZE;
    for (int i = 0; i < RV_PMP_COUNT; i++) {
        uint64_t lo, hi;
        pmp_range(h, i, &lo, &hi);
        if (lo >= hi || hi <= page || lo >= page_end)
            continue; /* does not touch this page */
        if (lo > page || hi < page_end)
            *uniform = 0;
        if (pa < lo || pa >= hi)
            continue; /* lower-numbered entry overlaps the page elsewhere */
        if (priv == PRV_M && !(h->pmpcfg[i] & PMP_L))
            return 1;
        if (priv != PRV_M && *uniform)
            pmp_memo(h, i, pa, lo, hi);
        return (h->pmpcfg[i] & pmp_perm_of[access]) != 0;
    }
    return priv == PRV_M;
}

int rv_access_fault(ir_cpu *cpu, int access, uint64_t va, uint64_t pc, int misaligned)
{
    int cause = misaligned ? misaligned_of[access] : access_fault_of[access];
    return rv_trap((rv_hart *)cpu, (uint64_t)cause, va, pc);
}

enum { PAGE_FAULT, ACCESS_FAULT };

/* Raise the `kind` fault for `access` at `va`, or, when probing, only
 * report it. Returns IR_TRAP. */
static int fault(rv_hart *h, int kind, int access, uint64_t va, uint64_t pc, int probe)
{
    if (probe)
        return IR_TRAP;
    if (kind == ACCESS_FAULT)
        return rv_access_fault(&h->cpu, access, va, pc, 0);
    return rv_trap(h, (uint64_t)page_fault_of[access], va, pc);
}

int rv_translate(ir_cpu *cpu, uint64_t va, int access, int mmu_idx, uint64_t pc,
                 uint64_t *pa, uint64_t *page_size, int probe)
{
    rv_hart *h = (rv_hart *)cpu;
    int priv = mmu_idx == MMU_M ? PRV_M : mmu_idx == MMU_U ? PRV_U : PRV_S;
    int mode = (int)(h->satp >> 60);
    int uniform;
    if (priv == PRV_M || mode == SATP_BARE) {
        *pa = va;
        if (!rv_pmp_check(h, va, access, priv, &uniform))
            return fault(h, ACCESS_FAULT, access, va, pc, probe);
        *page_size = uniform ? PAGE_SIZE : 0;
        return IR_OK;
    }
    int levels = mode - SATP_SV39 + 3;
    int vabits = 12 + 9 * levels;
    if ((uint64_t)((int64_t)(va << (64 - vabits)) >> (64 - vabits)) != va)
        return fault(h, PAGE_FAULT, access, va, pc, probe);
    uint64_t base = (h->satp & ((1ull << 44) - 1)) << 12, pte = 0, pte_pa = 0;
    int level;
    for (level = levels - 1; level >= 0; level--) {
        pte_pa = base + ((va >> (12 + 9 * level)) & 511) * 8;
        if (!rv_pmp_check(h, pte_pa, ACC_READ, PRV_S, &uniform) ||
            phys_read(cpu->pm, pte_pa, 8, &pte) != 0)
            return fault(h, ACCESS_FAULT, access, va, pc, probe);
        if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)) || (pte & PTE_RESERVED))
            return fault(h, PAGE_FAULT, access, va, pc, probe);
        if (pte & (PTE_R | PTE_X))
            break;
        if (pte & (PTE_A | PTE_D | PTE_U))
            return fault(h, PAGE_FAULT, access, va, pc, probe); /* non-leaf: reserved bits set */
        base = ((pte & PTE_PPN_MASK) >> 10) << 12;
    }
    if (level < 0)
        return fault(h, PAGE_FAULT, access, va, pc, probe);
    /* Permissions (4.3.2 step 5). */
    int ok;
    if (access == ACC_EXEC)
        ok = (pte & PTE_X) != 0;
    else if (access == ACC_WRITE)
        ok = (pte & PTE_W) != 0;
    else
        ok = (pte & PTE_R) || ((pte & PTE_X) && (h->mstatus & MSTATUS_MXR));
    if (pte & PTE_U)
        ok &= priv == PRV_U || (access != ACC_EXEC && mmu_idx == MMU_S_SUM);
    else
        ok &= priv == PRV_S;
    uint64_t ppn = (pte & PTE_PPN_MASK) >> 10;
    uint64_t low = (1ull << (9 * level)) - 1;
    if (!ok || (ppn & low))
        return fault(h, PAGE_FAULT, access, va, pc, probe); /* denied, or misaligned superpage */
    uint64_t need = PTE_A | (access == ACC_WRITE ? PTE_D : 0);
    if ((pte & need) != need && !probe) {
        if (!rv_pmp_check(h, pte_pa, ACC_WRITE, PRV_S, &uniform) ||
            phys_write(cpu->pm, pte_pa, 8, pte | need) != 0)
            return fault(h, ACCESS_FAULT, access, va, pc, probe);
    }
    *pa = ((ppn | ((va >> 12) & low)) << 12) | (va & ~PAGE_MASK);
    if (!rv_pmp_check(h, *pa, access, priv, &uniform))
        return fault(h, ACCESS_FAULT, access, va, pc, probe);
    *page_size = uniform ? (uint64_t)PAGE_SIZE << (9 * level) : 0;
    return IR_OK;
}
