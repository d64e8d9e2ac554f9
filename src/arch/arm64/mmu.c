/* VMSAv8-64 stage 1 translation for the EL1&0 regime (Arm ARM D8): 4 KiB
 * granule, 25- to 48-bit input addresses (TCR_EL1.T0SZ/T1SZ), top byte
 * ignore for data, blocks at levels 1 and 2, hierarchical APTable,
 * UXNTable and PXNTable, PAN. No hardware access flag or dirty state
 * (ID_AA64MMFR1_EL1.HAFDBS = 0): AF = 0 is an access flag fault, so a walk
 * never writes and a probe has no side effect. */
#include "arch/arm64/cpu.h"

#include <string.h>

#define ARM(cpu) ((a64_cpu *)(cpu))
#define OA_MASK 0x0000fffffffff000ull /* output address bits 47:12 */

/* A data or instruction abort with fault status `fsc`; with `probe`, only
 * the status is kept. Returns IR_TRAP. */
static int abort_with(a64_cpu *c, int access, uint64_t va, uint64_t pc, unsigned fsc, int probe)
{
    c->probe_fsc = fsc;
    if (probe)
        return IR_TRAP;
    if (access == ACC_EXEC)
        return a64_exception(c, c->el ? EC_IABT_CUR : EC_IABT_LOW, fsc, pc, va, 1);
    return a64_exception(c, c->el ? EC_DABT_CUR : EC_DABT_LOW, fsc | (access == ACC_WRITE) << 6, pc, va, 1);
}

int a64_access_fault(ir_cpu *cpu, int access, uint64_t va, uint64_t pc, int misaligned)
{
    return abort_with(ARM(cpu), access, va, pc, misaligned ? FSC_ALIGNMENT : FSC_EXTERNAL, 0);
}

int a64_translate(ir_cpu *cpu, uint64_t va, int access, int mmu_idx, uint64_t pc, uint64_t *pa,
                  uint64_t *page_size, int probe)
{
    a64_cpu *c = ARM(cpu);
    if (!(c->sctlr_el1 & SCTLR_M)) { /* MMU off: flat, 40-bit physical addresses */
        if (va >> 40)
            return abort_with(c, access, va, pc, FSC_ADDR_SIZE, probe);
        *pa = va;
        *page_size = PAGE_SIZE;
        return IR_OK;
    }
    uint64_t tcr = c->tcr_el1;
    int upper = (va >> 55) & 1;
    unsigned tsz = upper ? (tcr >> 16) & 63 : tcr & 63;
    int tbi = access != ACC_EXEC && ((tcr >> (upper ? 38 : 37)) & 1);
    int disabled = (tcr >> (upper ? 23 : 7)) & 1; /* EPD1, EPD0 */
    tsz = tsz < 16 ? 16 : tsz > 39 ? 39 : tsz;
    unsigned ia = 64 - tsz;
    uint64_t top = (tbi ? (uint64_t)((int64_t)(va << 8) >> 8) : va) >> ia;
    if (disabled || top != (upper ? ~0ull >> ia : 0))
        return abort_with(c, access, va, pc, FSC_TRANSLATION, probe);
    uint64_t table = (upper ? c->ttbr1_el1 : c->ttbr0_el1) & OA_MASK;
    unsigned level = 4 - (ia - 12 + 8) / 9, ap_table = 0, xn_table = 0, pxn_table = 0, shift;
    uint64_t desc;
    for (;; level++) {
        shift = 12 + 9 * (3 - level);
        uint64_t index = (va >> shift) & ((shift + 9 > ia ? 1ull << (ia - shift) : 512) - 1);
        const uint8_t *p = phys_ram_ptr(cpu->pm, table + index * 8, 8);
        if (!p)
            return abort_with(c, access, va, pc, FSC_EXTERNAL + 4 + level, probe); /* on the walk */
        memcpy(&desc, p, 8);
        if (!(desc & 1) || (level == 0 && !(desc & 2)) || (level == 3 && !(desc & 2)))
            return abort_with(c, access, va, pc, FSC_TRANSLATION + level, probe);
        if (level == 3 || !(desc & 2))
            break;
        ap_table |= (unsigned)(desc >> 61) & 3;
        xn_table |= (unsigned)(desc >> 60) & 1;
        pxn_table |= (unsigned)(desc >> 59) & 1;
        table = desc & OA_MASK;
    }
    if (!((desc >> 10) & 1))
        return abort_with(c, access, va, pc, FSC_ACCESS_FLAG + level, probe);
    unsigned ap = (unsigned)(desc >> 6) & 3;
    int el0_access = (ap & 1) && !(ap_table & 1), read_only = (ap & 2) || (ap_table & 2);
    int ok;
    if (access == ACC_EXEC)
        ok = mmu_idx == A64_MMU_EL0 ? !((desc >> 54) & 1) && !xn_table
                                    : !((desc >> 53) & 1) && !pxn_table && !(el0_access && !read_only);
    else
        ok = (mmu_idx == A64_MMU_EL0 ? el0_access : !(mmu_idx == A64_MMU_EL1_PAN && el0_access)) &&
             !(access == ACC_WRITE && read_only);
    if (!ok)
        return abort_with(c, access, va, pc, FSC_PERMISSION + level, probe);
    uint64_t size = 1ull << shift;
    *pa = ((desc & OA_MASK) & ~(size - 1)) | (va & (size - 1));
    *page_size = size;
    return IR_OK;
}
