/* IR helpers of the A64 front-end: exception generation, ERET, WFI,
 * ADC/SBC, CRC32, bit operations, exclusives, CAS, LSE atomics and
 * unprivileged loads and stores. Arm ARM C6 for each instruction. */
#include <string.h>

#include "arch/arm64/cpu.h"
#include "arch/arm64/fp.h"
#include "arch/arm64/helpers.h"
#include "arch/arm64/simd.h"
#include "mem/softmmu.h"

#define ARM(cpu) ((a64_cpu *)(cpu))
#define PC(cpu, op) a64_op_pc(cpu, op)

/* Leave the block after the instruction, checking for an interrupt that
 * became unmasked. */
static int next(ir_cpu *cpu, const ir_op *op)
{
    cpu->pc = PC(cpu, op) + 4;
    a64_take_interrupt(ARM(cpu), cpu->pc);
    return IR_END;
}

static int h_undefined(ir_cpu *cpu, const ir_op *op)
{
    return a64_exception(ARM(cpu), EC_UNKNOWN, 0, PC(cpu, op), 0, 0);
}

static int h_pc_align(ir_cpu *cpu, const ir_op *op)
{
    return a64_exception(ARM(cpu), EC_PC_ALIGN, 0, PC(cpu, op), PC(cpu, op), 1);
}

static uint32_t imm16(const ir_op *op) { return (op->aux >> 5) & 0xffff; }

static int h_svc(ir_cpu *cpu, const ir_op *op)
{
    return a64_exception(ARM(cpu), EC_SVC, imm16(op), PC(cpu, op) + 4, 0, 0);
}

/* HVC and SMC: PSCI calls the board answers (there is no EL2 or EL3);
 * otherwise UNDEFINED, as on a CPU without those levels. */
static int h_psci(ir_cpu *cpu, const ir_op *op)
{
    a64_cpu *c = ARM(cpu);
    if (c->el == 1 && c->psci && c->psci(c, c->board_opaque))
        return next(cpu, op);
    return h_undefined(cpu, op);
}

static int h_brk(ir_cpu *cpu, const ir_op *op)
{
    return a64_exception(ARM(cpu), EC_BRK, imm16(op), PC(cpu, op), 0, 0);
}

/* HLT #0xf000 is an Arm semihosting call; other HLTs are UNDEFINED
 * (halting debug is not enabled). */
static int h_hlt(ir_cpu *cpu, const ir_op *op)
{
    a64_cpu *c = ARM(cpu);
    if (imm16(op) == 0xf000 && c->semihost && c->semihost(c, c->board_opaque))
        return next(cpu, op);
    return h_undefined(cpu, op);
}

static int h_eret(ir_cpu *cpu, const ir_op *op)
{
    a64_cpu *c = ARM(cpu);
    if (c->el == 0)
        return h_undefined(cpu, op);
    cpu->pc = c->elr_el1;
    c->excl_valid = 0;
    a64_set_pstate(c, c->spsr_el1);
    a64_take_interrupt(c, cpu->pc);
    return IR_END;
}

/* WFI waits for an interrupt; WFE only ends the turn (no event register:
 * a CPU spinning on WFE gives way at once). */
static int h_wfi(ir_cpu *cpu, const ir_op *op)
{
    a64_cpu *c = ARM(cpu);
    unsigned wfe = ((op->aux >> 5) & 7) == 2;
    if (c->el == 0 && !(c->sctlr_el1 & (wfe ? SCTLR_NTWE : SCTLR_NTWI))) /* trapped: ISS CV, COND AL, TI */
        return a64_exception(c, EC_WFX, 1u << 24 | 0xeu << 20 | wfe, PC(cpu, op), 0, 0);
    if (!wfe) {
        ARM(cpu)->wfi = 1;
        cpu->exit_req = 1;
    }
    return next(cpu, op);
}

static int h_clrex(ir_cpu *cpu, const ir_op *op)
{
    (void)op;
    ARM(cpu)->excl_valid = 0;
    return IR_OK;
}

/* NZCV of a + b + carry in `bits` bits (AddWithCarry, Arm ARM J1). */
static uint64_t add_with_carry(uint64_t a, uint64_t b, unsigned carry, int bits, uint64_t *flags)
{
    uint64_t mask = bits == 64 ? ~0ull : 0xffffffffull, sign = 1ull << (bits - 1);
    a &= mask, b &= mask;
    uint64_t r = (a + b + carry) & mask;
    uint64_t c = bits == 64 ? (r < a || (carry && r == a)) : ((a + b + carry) >> 32) & 1;
    uint64_t v = ((a ^ r) & (b ^ r) & sign) != 0;
    *flags = (uint64_t)((r & sign) != 0) << 31 | (uint64_t)(r == 0) << 30 | c << 29 | v << 28;
    return r;
}

static int h_adc(ir_cpu *cpu, const ir_op *op)
{
    unsigned sf = op->aux >> 31, sub = (op->aux >> 30) & 1, s = (op->aux >> 29) & 1;
    uint64_t flags, b = cpu->r[op->rs2];
    uint64_t r = add_with_carry(cpu->r[op->rs1], sub ? ~b : b, (cpu->r[A64_NZCV] >> 29) & 1, sf ? 64 : 32, &flags);
    if (s)
        cpu->r[A64_NZCV] = flags;
    cpu->r[op->rd] = r;
    return IR_OK;
}

static int h_crc32(ir_cpu *cpu, const ir_op *op)
{
    unsigned bytes = 1u << ((op->aux >> 10) & 3);
    uint32_t poly = (op->aux >> 12) & 1 ? 0x82f63b78u : 0xedb88320u; /* CRC-32C, CRC-32 (reflected) */
    uint32_t crc = (uint32_t)cpu->r[op->rs1];
    uint64_t data = cpu->r[op->rs2];
    for (unsigned i = 0; i < bytes; i++) {
        crc ^= (uint8_t)(data >> (8 * i));
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (poly & (0u - (crc & 1)));
    }
    cpu->r[op->rd] = crc;
    return IR_OK;
}

/* RBIT, REV16, CLS (the 1-source encodings not done as IR ops). */
static int h_bits(ir_cpu *cpu, const ir_op *op)
{
    unsigned sf = op->aux >> 31, opcode = (op->aux >> 10) & 0x3f, bits = sf ? 64 : 32;
    uint64_t x = cpu->r[op->rs1], r = 0;
    if (!sf)
        x &= 0xffffffffull;
    if (opcode == 0) {
        for (unsigned i = 0; i < bits; i++)
            r |= ((x >> i) & 1) << (bits - 1 - i);
    } else if (opcode == 1) {
        r = ((x & 0x00ff00ff00ff00ffull) << 8) | ((x >> 8) & 0x00ff00ff00ff00ffull);
    } else { /* CLS: leading bits equal to the sign, not counting it */
        uint64_t y = sf ? x ^ (uint64_t)((int64_t)x >> 1) : (x ^ (x >> 1)) & 0x7fffffffull;
        y &= sf ? ~(1ull << 63) : 0x7fffffffull;
        r = y ? (uint64_t)__builtin_clzll(y) - (sf ? 1 : 33) : bits - 1;
    }
    cpu->r[op->rd] = sf ? r : r & 0xffffffffull;
    return IR_OK;
}

/* An alignment fault unless `va` is aligned to `align` bytes. */
static int check_align(ir_cpu *cpu, const ir_op *op, uint64_t va, unsigned align, int access)
{
    if (!(va & (align - 1)))
        return IR_OK;
    return cpu->arch->access_fault(cpu, access, va, PC(cpu, op), 1);
}

static uint64_t sext(uint64_t v, unsigned bytes)
{
    return bytes == 8 ? v : (uint64_t)((int64_t)(v << (64 - 8 * bytes)) >> (64 - 8 * bytes));
}

/* Register n with 31 as XZR; the base register Rn (bits 9:5) with 31 as SP. */
static uint64_t xreg(ir_cpu *cpu, unsigned n) { return n == 31 ? 0 : cpu->r[A64_X(n)]; }
static void set_xreg(ir_cpu *cpu, unsigned n, uint64_t v)
{
    if (n != 31)
        cpu->r[A64_X(n)] = v;
}
static uint64_t base_reg(ir_cpu *cpu, const ir_op *op)
{
    unsigned rn = (op->aux >> 5) & 31;
    return rn == 31 ? cpu->r[A64_SP] : cpu->r[A64_X(rn)];
}

/* Load-exclusive (register or pair): the monitor remembers the address,
 * size and values; a store-exclusive succeeds if memory still holds them. */
static int load_exclusive(ir_cpu *cpu, const ir_op *op, unsigned bytes, int is_pair)
{
    a64_cpu *c = ARM(cpu);
    uint64_t va = base_reg(cpu, op), v[2] = {0, 0};
    if (check_align(cpu, op, va, bytes << is_pair, ACC_READ) != IR_OK)
        return IR_TRAP;
    for (int k = 0; k <= is_pair; k++)
        if (mmu_load(cpu, va + (uint64_t)k * bytes, bytes, &v[k], PC(cpu, op)) != IR_OK)
            return IR_TRAP;
    c->excl_addr = va, c->excl_size = (int)(bytes << is_pair), c->excl_valid = 1;
    c->excl_val[0] = v[0], c->excl_val[1] = v[1];
    set_xreg(cpu, op->aux & 31, v[0]);
    if (is_pair)
        set_xreg(cpu, (op->aux >> 10) & 31, v[1]);
    return IR_OK;
}

static int store_exclusive(ir_cpu *cpu, const ir_op *op, unsigned bytes, int is_pair)
{
    a64_cpu *c = ARM(cpu);
    uint64_t va = base_reg(cpu, op);
    unsigned rs = (op->aux >> 16) & 31, rt = op->aux & 31, rt2 = (op->aux >> 10) & 31;
    if (check_align(cpu, op, va, bytes << is_pair, ACC_WRITE) != IR_OK)
        return IR_TRAP;
    uint8_t *p[2] = {NULL, NULL};
    for (int k = 0; k <= is_pair; k++)
        if (!(p[k] = mmu_rmw_ptr(cpu, va + (uint64_t)k * bytes, bytes, PC(cpu, op))))
            return IR_TRAP;
    int ok = c->excl_valid && c->excl_addr == va && c->excl_size == (int)(bytes << is_pair);
    for (int k = 0; ok && k <= is_pair; k++) {
        uint64_t cur = 0;
        memcpy(&cur, p[k], bytes);
        ok = cur == c->excl_val[k];
    }
    c->excl_valid = 0;
    if (ok) {
        uint64_t v[2] = {xreg(cpu, rt), xreg(cpu, rt2)};
        for (int k = 0; k <= is_pair; k++)
            memcpy(p[k], &v[k], bytes);
    }
    set_xreg(cpu, rs, !ok);
    return IR_OK;
}

/* CAS and CASP: compare with Rs (and Rs+1), store Rt (and Rt+1) if equal;
 * Rs gets the old value either way. */
static int compare_and_swap(ir_cpu *cpu, const ir_op *op, unsigned bytes, int is_pair)
{
    uint64_t va = base_reg(cpu, op);
    unsigned rs = (op->aux >> 16) & 31, rt = op->aux & 31;
    if (check_align(cpu, op, va, bytes << is_pair, ACC_WRITE) != IR_OK)
        return IR_TRAP;
    uint8_t *p[2] = {NULL, NULL};
    for (int k = 0; k <= is_pair; k++)
        if (!(p[k] = mmu_rmw_ptr(cpu, va + (uint64_t)k * bytes, bytes, PC(cpu, op))))
            return IR_TRAP;
    uint64_t old[2] = {0, 0}, mask = bytes == 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
    int equal = 1;
    for (int k = 0; k <= is_pair; k++) {
        memcpy(&old[k], p[k], bytes);
        equal &= old[k] == (xreg(cpu, rs + (unsigned)k) & mask);
    }
    if (equal)
        for (int k = 0; k <= is_pair; k++) {
            uint64_t v = xreg(cpu, rt + (unsigned)k);
            memcpy(p[k], &v, bytes);
        }
    for (int k = 0; k <= is_pair; k++)
        set_xreg(cpu, rs + (unsigned)k, old[k]);
    return IR_OK;
}

/* Load/store exclusive, pair exclusive, CAS, CASP (Arm ARM C4.1.88). */
static int h_excl(ir_cpu *cpu, const ir_op *op)
{
    uint32_t i = op->aux;
    unsigned size = i >> 30, o2 = (i >> 23) & 1, load = (i >> 22) & 1, o1 = (i >> 21) & 1;
    if (!o2 && !o1)
        return load ? load_exclusive(cpu, op, 1u << size, 0) : store_exclusive(cpu, op, 1u << size, 0);
    if (!o2 && size >= 2)
        return load ? load_exclusive(cpu, op, 1u << size, 1) : store_exclusive(cpu, op, 1u << size, 1);
    if (!o2) { /* CASP: size 0 (W pairs) or 1 (X pairs); Rs and Rt even */
        if (((i >> 16) & 1) || (i & 1))
            return h_undefined(cpu, op);
        return compare_and_swap(cpu, op, size ? 8 : 4, 1);
    }
    return compare_and_swap(cpu, op, 1u << size, 0);
}

/* LDADD, LDCLR, LDEOR, LDSET, LD{S,U}{MAX,MIN}, SWP; LDAPR as a load. */
static int h_atomic(ir_cpu *cpu, const ir_op *op)
{
    uint32_t i = op->aux;
    unsigned bytes = 1u << (i >> 30), o3 = (i >> 15) & 1, opc = (i >> 12) & 7;
    unsigned rs = (i >> 16) & 31, rt = i & 31;
    uint64_t va = base_reg(cpu, op), v;
    if ((i >> 26) & 1 || (o3 && opc != 0 && opc != 4))
        return h_undefined(cpu, op);
    if (o3 && opc == 4) { /* LDAPR */
        if (mmu_load(cpu, va, bytes, &v, PC(cpu, op)) != IR_OK)
            return IR_TRAP;
        set_xreg(cpu, rt, v);
        return IR_OK;
    }
    if (check_align(cpu, op, va, bytes, ACC_WRITE) != IR_OK)
        return IR_TRAP;
    uint8_t *p = mmu_rmw_ptr(cpu, va, bytes, PC(cpu, op));
    if (!p)
        return IR_TRAP;
    uint64_t a = 0, b = xreg(cpu, rs), r, mask = bytes == 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
    memcpy(&a, p, bytes);
    b &= mask;
    int64_t sa = (int64_t)sext(a, bytes), sb = (int64_t)sext(b, bytes);
    if (o3) {
        r = b;
    } else {
        switch (opc) {
        case 0: r = a + b; break;
        case 1: r = a & ~b; break;
        case 2: r = a ^ b; break;
        case 3: r = a | b; break;
        case 4: r = sa > sb ? a : b; break;
        case 5: r = sa < sb ? a : b; break;
        case 6: r = a > b ? a : b; break;
        default: r = a < b ? a : b; break;
        }
    }
    memcpy(p, &r, bytes);
    set_xreg(cpu, rt, a);
    return IR_OK;
}

/* LDTR, STTR and their sized forms: an access with EL0's permissions. */
static int h_ldst_unpriv(ir_cpu *cpu, const ir_op *op)
{
    uint32_t i = op->aux;
    unsigned size = i >> 30, opc = (i >> 22) & 3, rt = i & 31, bytes = 1u << size;
    uint64_t va = base_reg(cpu, op) + (uint64_t)(int64_t)((int32_t)(i << 11) >> 23), v = 0;
    uint8_t idx = cpu->data_idx;
    int st;
    if (ARM(cpu)->el == 1)
        cpu->data_idx = A64_MMU_EL0;
    if (opc == 0) {
        st = mmu_store_slow(cpu, va, bytes, xreg(cpu, rt), PC(cpu, op));
    } else {
        st = mmu_load_slow(cpu, va, bytes, &v, PC(cpu, op));
        if (st == IR_OK)
            set_xreg(cpu, rt, opc == 1 ? v : opc == 2 ? sext(v, bytes) : sext(v, bytes) & 0xffffffffull);
    }
    cpu->data_idx = idx;
    if (st == IR_END) /* the store wrote translated code: leave after it */
        cpu->pc = PC(cpu, op) + 4;
    return st;
}

/* ISS of a trapped SIMD&FP access from AArch64: CV 1, COND 0xe (Arm ARM D17.2.37). */
static int h_fp_trap(ir_cpu *cpu, const ir_op *op)
{
    return a64_exception(ARM(cpu), EC_FP, 1u << 24 | 0xeu << 20, PC(cpu, op), 0, 0);
}

static int h_align(ir_cpu *cpu, const ir_op *op)
{
    return check_align(cpu, op, cpu->r[op->rs1], 1u << (op->aux & 7), (op->aux >> 8) & 1 ? ACC_WRITE : ACC_READ);
}

static const ir_helper_fn a64_helpers[A64H_COUNT] = {
    [A64H_ALIGN] = h_align,
    [A64H_UNDEFINED] = h_undefined, [A64H_PC_ALIGN] = h_pc_align, [A64H_SVC] = h_svc,
    [A64H_HVC] = h_psci, [A64H_SMC] = h_psci, [A64H_BRK] = h_brk, [A64H_HLT] = h_hlt,
    [A64H_ERET] = h_eret, [A64H_MRS] = a64_sysreg_helper, [A64H_MSR] = a64_sysreg_helper,
    [A64H_MSR_IMM] = a64_sysreg_helper, [A64H_SYS] = a64_sys_helper, [A64H_WFI] = h_wfi,
    [A64H_CLREX] = h_clrex, [A64H_ADC] = h_adc, [A64H_CRC32] = h_crc32, [A64H_BITS] = h_bits,
    [A64H_EXCL] = h_excl, [A64H_ATOMIC] = h_atomic, [A64H_LDST_UNPRIV] = h_ldst_unpriv,
    [A64H_FP_TRAP] = h_fp_trap, [A64H_SIMD_LDST] = a64_simd_ldst_helper, [A64H_FP_ARITH] = a64_fp_arith_helper,
    [A64H_FP_COMPARE] = a64_fp_compare_helper, [A64H_FP_TO_INT] = a64_fp_to_int_helper,
    [A64H_FP_FROM_INT] = a64_fp_from_int_helper, [A64H_FP_OTHER] = a64_fp_other_helper, [A64H_SIMD] = a64_simd_helper,
};

/* Descriptors (IR_HF_*, ir.h): helpers that end the block or touch
 * registers named in the instruction bits (aux) say IR_HF_ANY. */
static const uint8_t a64_helper_flags[A64H_COUNT] = {
    [A64H_UNDEFINED] = IR_HF_ANY, [A64H_PC_ALIGN] = IR_HF_ANY, [A64H_SVC] = IR_HF_ANY, [A64H_HVC] = IR_HF_ANY,
    [A64H_SMC] = IR_HF_ANY, [A64H_BRK] = IR_HF_ANY, [A64H_HLT] = IR_HF_ANY, [A64H_ERET] = IR_HF_ANY,
    [A64H_MRS] = IR_HF_RD, [A64H_MSR] = IR_HF_ANY, [A64H_MSR_IMM] = IR_HF_ANY, [A64H_SYS] = IR_HF_ANY,
    [A64H_WFI] = IR_HF_ANY, [A64H_ADC] = IR_HF_ANY, [A64H_CRC32] = IR_HF_RS1 | IR_HF_RS2 | IR_HF_RD,
    [A64H_BITS] = IR_HF_RS1 | IR_HF_RD, [A64H_EXCL] = IR_HF_ANY, [A64H_ATOMIC] = IR_HF_ANY,
    [A64H_LDST_UNPRIV] = IR_HF_ANY, [A64H_ALIGN] = IR_HF_RS1, [A64H_FP_TRAP] = IR_HF_ANY,
    [A64H_SIMD_LDST] = IR_HF_ANY, [A64H_FP_ARITH] = IR_HF_RS1 | IR_HF_RS2 | IR_HF_RD,
    [A64H_FP_COMPARE] = IR_HF_RS1 | IR_HF_RS2 | IR_HF_RD, [A64H_FP_TO_INT] = IR_HF_RS1 | IR_HF_RD,
    [A64H_FP_FROM_INT] = IR_HF_RS1 | IR_HF_RD, [A64H_FP_OTHER] = IR_HF_ANY, [A64H_SIMD] = IR_HF_ANY,
};

const ir_arch a64_arch = {
    .translate = a64_translate,
    .access_fault = a64_access_fault,
    .decode = a64_decode_block,
    .helpers = a64_helpers,
    .nhelpers = A64H_COUNT,
    .helper_flags = a64_helper_flags,
    .trap_regs = (const uint8_t[]){A64_SP, A64_NZCV},
    .ntrap_regs = 2,
};
