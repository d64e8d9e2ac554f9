/* AdvSIMD structure loads and stores that are not whole registers (Arm ARM
 * C7.2: LD1-LD4 and ST1-ST4 multiple structures, single structures to one
 * lane, LD1R-LD4R), as one helper over the V registers in memory order. */
#include <string.h>

#include "arch/arm64/cpu.h"
#include "arch/arm64/helpers.h"
#include "arch/arm64/simd.h"
#include "mem/softmmu.h"

/* One element of `ebytes` at va to or from byte offset `at` of V(t); *st
 * collects an IR_END of a store. Returns IR_OK or IR_TRAP. */
static int element(ir_cpu *cpu, const ir_op *op, int load, uint64_t va, unsigned ebytes, unsigned t, unsigned at,
                   int *st)
{
    uint64_t pc = a64_op_pc(cpu, op), v = 0;
    if ((cpu->block_flags & A64_FLAGS_ALIGN) && (va & (ebytes - 1)))
        return cpu->arch->access_fault(cpu, load ? ACC_READ : ACC_WRITE, va, pc, 1);
    uint8_t *reg = a64_vreg(cpu, t);
    if (!load) {
        memcpy(&v, reg + at, ebytes);
        int r = mmu_store(cpu, va, ebytes, v, pc);
        if (r == IR_END)
            *st = IR_END;
        return r == IR_TRAP ? IR_TRAP : IR_OK;
    }
    if (mmu_load(cpu, va, ebytes, &v, pc) != IR_OK)
        return IR_TRAP;
    memcpy(reg + at, &v, ebytes);
    return IR_OK;
}

static int undefined(ir_cpu *cpu, const ir_op *op)
{
    return a64_exception((a64_cpu *)cpu, EC_UNKNOWN, 0, a64_op_pc(cpu, op), 0, 0);
}

int a64_simd_ldst_helper(ir_cpu *cpu, const ir_op *op)
{
    uint32_t i = op->aux;
    unsigned q = (i >> 30) & 1, load = (i >> 22) & 1, rn = (i >> 5) & 31, t = i & 31, rm = (i >> 16) & 31;
    unsigned size = (i >> 10) & 3, opcode = (i >> 12) & 15, datasize = q ? 16 : 8;
    uint64_t va = rn == 31 ? cpu->r[A64_SP] : cpu->r[A64_X(rn)], offs = 0;
    int st = IR_OK;
    if (!((i >> 24) & 1)) { /* multiple structures: LDn/STn, LD1/ST1 of 1-4 registers */
        static const uint8_t rpt[16] = {[0] = 1, [2] = 4, [4] = 1, [6] = 3, [7] = 1, [8] = 1, [10] = 2};
        static const uint8_t selem[16] = {[0] = 4, [2] = 1, [4] = 3, [6] = 1, [7] = 1, [8] = 2, [10] = 1};
        unsigned ebytes = 1u << size, elements = datasize / ebytes;
        if (!rpt[opcode] || (size == 3 && !q && selem[opcode] > 1))
            return undefined(cpu, op);
        for (unsigned r = 0; r < rpt[opcode]; r++)
            for (unsigned e = 0; e < elements; e++)
                for (unsigned s = 0; s < selem[opcode]; s++, offs += ebytes)
                    if (element(cpu, op, (int)load, va + offs, ebytes, (t + r + s) % 32, e * ebytes, &st) != IR_OK)
                        return IR_TRAP;
        if (load && !q)
            for (unsigned r = 0; r < rpt[opcode] * selem[opcode]; r++)
                cpu->r[A64_VHI((t + r) % 32)] = 0;
    } else { /* single structure: one lane, or LDnR */
        unsigned s = (i >> 12) & 1, op3 = (i >> 13) & 7, scale = op3 >> 1, index = 0;
        unsigned sel = ((op3 & 1) << 1 | ((i >> 21) & 1)) + 1, replicate = scale == 3;
        switch (scale) {
        case 0: index = q << 3 | s << 2 | size; break;
        case 1:
            if (size & 1)
                return undefined(cpu, op);
            index = q << 2 | s << 1 | size >> 1;
            break;
        case 2:
            if (size & 2 || (size & 1 && s))
                return undefined(cpu, op);
            if (size & 1)
                scale = 3, index = q;
            else
                index = q << 1 | s;
            break;
        default:
            if (!load || s)
                return undefined(cpu, op);
            scale = size;
        }
        unsigned ebytes = 1u << scale;
        for (unsigned k = 0; k < sel; k++, offs += ebytes) {
            unsigned tt = (t + k) % 32;
            if (element(cpu, op, (int)load, va + offs, ebytes, tt, replicate ? 0 : index * ebytes, &st) != IR_OK)
                return IR_TRAP;
            if (replicate) { /* replicate the element over the register */
                uint8_t *reg = a64_vreg(cpu, tt);
                for (unsigned at = ebytes; at < 16; at += ebytes)
                    memcpy(reg + at, reg, ebytes);
                if (!q)
                    cpu->r[A64_VHI(tt)] = 0;
            }
        }
    }
    if ((i >> 23) & 1) { /* post-index */
        uint64_t nva = va + (rm == 31 ? offs : cpu->r[A64_X(rm)]);
        if (rn == 31)
            cpu->r[A64_SP] = nva;
        else
            cpu->r[A64_X(rn)] = nva;
    }
    if (st == IR_END)
        cpu->pc = a64_op_pc(cpu, op) + 4;
    return st;
}
