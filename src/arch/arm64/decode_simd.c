/* AdvSIMD data processing encodings (Arm ARM C4.1.95, op0 = 0xx0 and
 * 01x1): the bitwise three-same forms (AND, BIC, ORR, ORN, EOR) are IR ops
 * on the V registers' halves; everything else is the AdvSIMD helper
 * (simd.c), which raises UNDEFINED for encodings it does not implement. */
#include "arch/arm64/decode.h"
#include "arch/arm64/helpers.h"

/* AND, BIC, ORR (and MOV), ORN, EOR (vector): Vd = Vn op Vm per half. */
static void logical(a64_dec *d, unsigned op)
{
    static const uint8_t ops[5] = {IR_AND, IR_ANDN, IR_OR, IR_ORN, IR_XOR};
    uint32_t i = d->insn;
    unsigned q = (i >> 30) & 1, n = (i >> 5) & 31, m = (i >> 16) & 31, vd = i & 31;
    a64_emit(d, ops[op], A64_VLO(vd), A64_VLO(n), A64_VLO(m), 0, 0);
    if (q)
        a64_emit(d, ops[op], A64_VHI(vd), A64_VHI(n), A64_VHI(m), 0, 0);
    else
        a64_emit(d, IR_ADDI, A64_VHI(vd), 0, 0, 0, 0);
}

int a64_simd(a64_dec *d)
{
    uint32_t i = d->insn;
    if ((i & 0x9f20fc00) == 0x0e201c00) { /* three same, opcode 00011 */
        unsigned op = ((i >> 29) & 1) << 2 | ((i >> 22) & 3);
        if (op <= 4) {
            logical(d, op);
            return 0;
        }
    }
    a64_helper(d, A64H_SIMD, 0, 0, 0, 0);
    return 0;
}
