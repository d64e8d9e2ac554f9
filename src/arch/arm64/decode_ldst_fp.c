/* Loads and stores of the SIMD&FP registers (Arm ARM C4.1.88): the single
 * register and pair forms (decode_ldst.c decodes their addressing) as IR
 * loads and stores of the V registers' 64-bit halves; AdvSIMD LD1/ST1
 * (multiple structures) as IR too, the other structure forms (LD2-LD4,
 * ST2-ST4, single lanes, LDnR) as a helper (simd_ldst.c). */
#include "arch/arm64/decode.h"
#include "arch/arm64/helpers.h"

static const uint8_t store_op[4] = {IR_SB, IR_SH, IR_SW, IR_SD};
static const uint8_t load_op[4] = {IR_LBU, IR_LHU, IR_LWU, IR_LD};

int a64_fp_trap(a64_dec *d)
{
    a64_helper(d, A64H_FP_TRAP, 0, 0, 0, 1);
    return 1;
}

/* The access without an alignment check. */
static void fp_access_raw(a64_dec *d, int load, unsigned size, unsigned vt, int base, int32_t off)
{
    unsigned part = size == 4 ? 3 : size;
    if (!load) {
        a64_emit(d, store_op[part], 0, base, A64_VLO(vt), off, 4);
        if (size == 4)
            a64_emit(d, IR_SD, 0, base, A64_VHI(vt), off + 8, 4);
        return;
    }
    a64_emit(d, load_op[part], A64_VLO(vt), base, 0, off, 4);
    if (size == 4)
        a64_emit(d, IR_LD, A64_VHI(vt), base, 0, off + 8, 4);
    else
        a64_emit(d, IR_ADDI, A64_VHI(vt), 0, 0, 0, 0);
}

/* Alignment fault unless r[base] + off is aligned to 1 << size (A64H_ALIGN). */
static void check_align(a64_dec *d, int load, unsigned size, int base, int32_t off)
{
    if (!d->align || !size)
        return;
    a64_emit(d, IR_ADDI, A64_T2, base, 0, off, 0);
    a64_emit(d, IR_HELPER, 0, A64_T2, 0, A64H_ALIGN, size | (unsigned)!load << 8);
}

void a64_fp_access(a64_dec *d, int load, unsigned size, unsigned vt, int base, int32_t off)
{
    check_align(d, load, size, base, off);
    fp_access_raw(d, load, size, vt, base, off);
}

/* LD1/ST1 (multiple structures, 1-4 registers): whole registers from
 * consecutive memory, as the byte order is little-endian whatever the
 * element size. */
static void ld1_multiple(a64_dec *d, unsigned nregs)
{
    uint32_t i = d->insn;
    unsigned q = (i >> 30) & 1, load = (i >> 22) & 1, rn = (i >> 5) & 31, rt = i & 31, esize = (i >> 10) & 3;
    unsigned bytes = q ? 16 : 8;
    a64_emit(d, IR_ADDI, A64_T0, a64_xr_sp(rn), 0, 0, 0);
    check_align(d, (int)load, esize, A64_T0, 0);
    for (unsigned k = 0; k < nregs; k++)
        fp_access_raw(d, (int)load, q ? 4 : 3, (rt + k) % 32, A64_T0, (int32_t)(k * bytes));
    if ((i >> 23) & 1) { /* post-index: by the bytes transferred, or by Xm */
        unsigned rm = (i >> 16) & 31;
        if (rm == 31)
            a64_emit(d, IR_ADDI, a64_xw_sp(rn), A64_T0, 0, (int32_t)(nregs * bytes), 0);
        else
            a64_emit(d, IR_ADD, a64_xw_sp(rn), A64_T0, A64_X(rm), 0, 0);
    }
}

int a64_simd_ldst(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned post = (i >> 23) & 1, opcode = (i >> 12) & 15;
    if (!post && ((i >> 16) & 31))
        return a64_undefined(d);
    if (!((i >> 24) & 1)) { /* multiple structures */
        static const uint8_t ld1_regs[16] = {[2] = 4, [6] = 3, [7] = 1, [10] = 2};
        static const uint8_t valid[16] = {[0] = 1, [2] = 1, [4] = 1, [6] = 1, [7] = 1, [8] = 1, [10] = 1};
        if ((i >> 21) & 1 || !valid[opcode] || (((i >> 10) & 3) == 3 && !((i >> 30) & 1) && !ld1_regs[opcode]))
            return a64_undefined(d);
        if (ld1_regs[opcode]) {
            ld1_multiple(d, ld1_regs[opcode]);
            return 0;
        }
    }
    a64_helper(d, A64H_SIMD_LDST, 0, 0, 0, 0);
    return 0;
}
