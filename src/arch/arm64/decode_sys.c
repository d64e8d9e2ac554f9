/* A64 system instructions (Arm ARM C4.1.87, C5): hints, barriers, PSTATE
 * fields (MSR immediate), SYS (DC, IC, TLBI, AT) and MRS/MSR. NZCV is an
 * IR register, so MRS and MSR of NZCV are plain ops; the rest are helpers. */
#include "arch/arm64/decode.h"
#include "arch/arm64/helpers.h"

#define SYSREG_NZCV 0xda10u /* op0 3, op1 3, CRn 4, CRm 2, op2 0: bits 20:5 */
#define SYSREG_FPCR 0xda20u /* op0 3, op1 3, CRn 4, CRm 4, op2 0; FPSR is op2 1 */

int a64_system(a64_dec *d)
{
    uint32_t i = d->insn;
    unsigned l = (i >> 21) & 1, op0 = (i >> 19) & 3, crn = (i >> 12) & 15, rt = i & 31;
    unsigned op1 = (i >> 16) & 7, op2 = (i >> 5) & 7, crm = (i >> 8) & 15;
    if (op0 == 0 && !l) {
        if (crn == 2 && op1 == 3 && rt == 31) { /* hints: WFE, WFI; the rest (PAC, BTI, ...) are NOPs */
            unsigned hint = crm << 3 | op2;
            if (hint == 2 || hint == 3) {
                a64_helper(d, A64H_WFI, 0, 0, 0, 1);
                return 1;
            }
            return 0;
        }
        if (crn == 3 && op1 == 3 && rt == 31) { /* barriers */
            if (op2 == 2) {
                a64_helper(d, A64H_CLREX, 0, 0, 0, 0);
                return 0;
            }
            return op2 >= 4 ? 0 : a64_undefined(d);
        }
        if (crn == 4 && rt == 31) {
            a64_helper(d, A64H_MSR_IMM, 0, 0, 0, 1);
            return 1;
        }
        return a64_undefined(d);
    }
    if (op0 == 1) {
        a64_helper(d, A64H_SYS, l ? a64_xw(rt) : 0, a64_xr(rt), 0, 1);
        return 1;
    }
    if (op0 == 0)
        return a64_undefined(d);
    if ((((i >> 5) & 0xffff) | 1) == (SYSREG_FPCR | 1) && d->fptrap)
        return a64_fp_trap(d);
    if (((i >> 5) & 0xffff) == SYSREG_NZCV) {
        if (l)
            a64_emit(d, IR_ADDI, a64_xw(rt), A64_NZCV, 0, 0, 0);
        else
            a64_and_imm(d, A64_NZCV, a64_xr(rt), 0xf0000000ull);
        return 0;
    }
    if (l) {
        a64_helper(d, A64H_MRS, a64_xw(rt), 0, 0, 0);
        return 0;
    }
    a64_helper(d, A64H_MSR, 0, a64_xr(rt), 0, 1);
    return 1;
}
