/* Control and status registers. Privileged Spec v1.12 chapters 2 (CSR
 * address map), 3.1 (machine CSRs), 4.1 (supervisor CSRs); Zicntr; F (fcsr);
 * Sstc (stimecmp); the Sdtrig trigger CSRs are in trigger.c. */
#include <stddef.h>

#include "arch/riscv/hart.h"
#include "mem/softmmu.h"

enum {
    CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
    CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02, CSR_HPM3 = 0xc03, CSR_HPM31 = 0xc1f,
    CSR_SSTATUS = 0x100, CSR_SIE = 0x104, CSR_STVEC = 0x105, CSR_SCOUNTEREN = 0x106,
    CSR_SENVCFG = 0x10a, CSR_SSCRATCH = 0x140, CSR_SEPC = 0x141, CSR_SCAUSE = 0x142,
    CSR_STVAL = 0x143, CSR_SIP = 0x144, CSR_STIMECMP = 0x14d, CSR_SATP = 0x180,
    CSR_MVENDORID = 0xf11, CSR_MARCHID = 0xf12, CSR_MIMPID = 0xf13, CSR_MHARTID = 0xf14,
    CSR_MCONFIGPTR = 0xf15,
    CSR_MSTATUS = 0x300, CSR_MISA = 0x301, CSR_MEDELEG = 0x302, CSR_MIDELEG = 0x303,
    CSR_MIE = 0x304, CSR_MTVEC = 0x305, CSR_MCOUNTEREN = 0x306, CSR_MENVCFG = 0x30a,
    CSR_MCOUNTINHIBIT = 0x320, CSR_MHPMEVENT3 = 0x323, CSR_MHPMEVENT31 = 0x33f,
    CSR_MSCRATCH = 0x340, CSR_MEPC = 0x341, CSR_MCAUSE = 0x342, CSR_MTVAL = 0x343, CSR_MIP = 0x344,
    CSR_PMPCFG0 = 0x3a0, CSR_PMPCFG15 = 0x3af, CSR_PMPADDR0 = 0x3b0, CSR_PMPADDR15 = 0x3bf,
    CSR_MCYCLE = 0xb00, CSR_MINSTRET = 0xb02, CSR_MHPM3 = 0xb03, CSR_MHPM31 = 0xb1f,
    CSR_TSELECT = 0x7a0, CSR_TCONTROL = 0x7a5,
};

#define MSTATUS_WMASK (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | \
                       MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR |     \
                       MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define MENVCFG_STCE (1ull << 63)
#define MENVCFG_WMASK (MENVCFG_STCE | 0xf1ull) /* STCE, CBZE/CBCFE/CBIE, FIOM */
#define SENVCFG_WMASK 0xf1ull

/* Plain storage CSRs: number, field, writable bits. */
static const struct {
    uint16_t num;
    uint32_t offset;
    uint64_t wmask;
} plain_csrs[] = {
    {CSR_STVEC, offsetof(rv_hart, stvec), ~2ull},
    {CSR_SCOUNTEREN, offsetof(rv_hart, scounteren), 0xffffffffull},
    {CSR_SENVCFG, offsetof(rv_hart, senvcfg), SENVCFG_WMASK},
    {CSR_SSCRATCH, offsetof(rv_hart, sscratch), ~0ull},
    {CSR_SEPC, offsetof(rv_hart, sepc), ~1ull},
    {CSR_SCAUSE, offsetof(rv_hart, scause), ~0ull},
    {CSR_STVAL, offsetof(rv_hart, stval), ~0ull},
    {CSR_MEDELEG, offsetof(rv_hart, medeleg), 0xb3ffull}, /* not ecall-from-M (11) */
    {CSR_MTVEC, offsetof(rv_hart, mtvec), ~2ull},
    {CSR_MCOUNTEREN, offsetof(rv_hart, mcounteren), 0xffffffffull},
    {CSR_MCOUNTINHIBIT, offsetof(rv_hart, mcountinhibit), 0xfffffffdull},
    {CSR_MSCRATCH, offsetof(rv_hart, mscratch), ~0ull},
    {CSR_MEPC, offsetof(rv_hart, mepc), ~1ull},
    {CSR_MCAUSE, offsetof(rv_hart, mcause), ~0ull},
    {CSR_MTVAL, offsetof(rv_hart, mtval), ~0ull},
    {CSR_MHARTID, offsetof(rv_hart, mhartid), 0},
    {CSR_MISA, offsetof(rv_hart, misa), 0},
};

static uint64_t *plain_field(rv_hart *h, unsigned csr, uint64_t *wmask)
{
    for (unsigned i = 0; i < sizeof(plain_csrs) / sizeof(plain_csrs[0]); i++)
        if (plain_csrs[i].num == csr) {
            *wmask = plain_csrs[i].wmask;
            return (uint64_t *)((char *)h + plain_csrs[i].offset);
        }
    return NULL;
}

static uint64_t mstatus_read(const rv_hart *h)
{
    uint64_t s = h->mstatus | (2ull << 32) | (2ull << 34); /* UXL = SXL = 64 */
    if ((s & MSTATUS_FS) == MSTATUS_FS)
        s |= MSTATUS_SD;
    return s;
}

/* Instructions retired before the one executing `op`. */
static uint64_t retired(const rv_hart *h, const ir_op *op)
{
    return h->cpu.instret - op->insns_after;
}

/* Counter access from S/U gated by mcounteren/scounteren (Zicntr, 3.1.11). */
static int counter_allowed(const rv_hart *h, unsigned csr)
{
    unsigned bit = csr & 31;
    if (h->priv < PRV_M && !((h->mcounteren >> bit) & 1))
        return 0;
    if (h->priv < PRV_S && !((h->scounteren >> bit) & 1))
        return 0;
    return 1;
}

static uint64_t pending(const rv_hart *h) { return h->mip | h->mip_ext; }

int rv_csr_read(rv_hart *h, unsigned csr, uint64_t *val, const ir_op *op)
{
    if (h->priv < (int)((csr >> 8) & 3))
        return -1;
    uint64_t wmask, *f = plain_field(h, csr, &wmask);
    if (f) {
        *val = *f;
        return 0;
    }
    if (csr <= CSR_FCSR && csr >= CSR_FFLAGS && !(h->mstatus & MSTATUS_FS))
        return -1;
    switch (csr) {
    case CSR_FFLAGS: *val = h->fflags; return 0;
    case CSR_FRM: *val = h->frm; return 0;
    case CSR_FCSR: *val = h->frm << 5 | h->fflags; return 0;
    case CSR_CYCLE: case CSR_TIME: case CSR_INSTRET:
        if (!counter_allowed(h, csr))
            return -1;
        if (csr == CSR_TIME)
            *val = h->mtime(h->mtime_opaque);
        else
            *val = retired(h, op) + (csr == CSR_CYCLE ? h->cycle_off : h->instret_off);
        return 0;
    case CSR_MCYCLE: *val = retired(h, op) + h->cycle_off; return 0;
    case CSR_MINSTRET: *val = retired(h, op) + h->instret_off; return 0;
    case CSR_SSTATUS: *val = mstatus_read(h) & (SSTATUS_MASK | MSTATUS_SD); return 0;
    case CSR_MSTATUS: *val = mstatus_read(h); return 0;
    case CSR_SIE: *val = h->mie & h->mideleg; return 0;
    case CSR_MIE: *val = h->mie; return 0;
    case CSR_SIP: *val = pending(h) & h->mideleg & MIP_S_MASK; return 0;
    case CSR_MIP: *val = pending(h); return 0;
    case CSR_MIDELEG: *val = h->mideleg; return 0;
    case CSR_SATP:
        if (h->priv == PRV_S && (h->mstatus & MSTATUS_TVM))
            return -1;
        *val = h->satp;
        return 0;
    case CSR_STIMECMP:
        if (!h->sstc || (h->priv == PRV_S && !(h->menvcfg & MENVCFG_STCE)) ||
            (h->priv == PRV_S && !(h->mcounteren & 2)))
            return -1;
        *val = h->stimecmp;
        return 0;
    case CSR_MENVCFG: *val = h->menvcfg; return 0;
    case CSR_MVENDORID: case CSR_MARCHID: case CSR_MIMPID: case CSR_MCONFIGPTR:
        *val = 0;
        return 0;
    }
    if (csr >= CSR_TSELECT && csr <= CSR_TCONTROL)
        return rv_trigger_read(h, csr, val);
    if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
        if (csr & 1)
            return -1; /* odd pmpcfg registers do not exist on RV64 */
        unsigned first = (csr - CSR_PMPCFG0) * 4;
        if (first >= RV_PMP_COUNT) {
            *val = 0;
            return 0;
        }
        uint64_t v = 0;
        for (int i = 0; i < 8; i++)
            v |= (uint64_t)h->pmpcfg[first + i] << (8 * i);
        *val = v;
        return 0;
    }
    if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR15) {
        *val = h->pmpaddr[csr - CSR_PMPADDR0];
        return 0;
    }
    if ((csr >= CSR_HPM3 && csr <= CSR_HPM31)) {
        if (!counter_allowed(h, csr))
            return -1;
        *val = 0;
        return 0;
    }
    if ((csr >= CSR_MHPM3 && csr <= CSR_MHPM31) || (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31)) {
        *val = 0;
        return 0;
    }
    return -1;
}

/* Update the Sstc-driven STIP line from stimecmp (Sstc 1.0). */
void rv_update_stimecmp(rv_hart *h)
{
    if (!h->sstc || !(h->menvcfg & MENVCFG_STCE))
        return;
    int level = h->mtime(h->mtime_opaque) >= h->stimecmp;
    h->mip_ext = level ? h->mip_ext | MIP_STIP : h->mip_ext & ~MIP_STIP;
}

static void pmp_write_cfg(rv_hart *h, unsigned first, uint64_t v)
{
    for (int i = 0; i < 8 && first + i < RV_PMP_COUNT; i++) {
        uint8_t b = (uint8_t)(v >> (8 * i));
        if (h->pmpcfg[first + i] & 0x80)
            continue; /* locked */
        if ((b & 3) == 2)
            b &= ~3; /* R=0 W=1 is reserved: drop W */
        h->pmpcfg[first + i] = b & 0x9f;
    }
}

int rv_csr_write(rv_hart *h, unsigned csr, uint64_t val, const ir_op *op)
{
    if (h->priv < (int)((csr >> 8) & 3) || (csr >> 10) == 3)
        return -1; /* insufficient privilege, or read-only CSR */
    uint64_t wmask, *f = plain_field(h, csr, &wmask);
    if (f) {
        if ((csr == CSR_MTVEC || csr == CSR_STVEC) && (val & 3) >= 2)
            val = (val & ~3ull) | (*f & 3); /* reserved mode: keep the old one */
        *f = (*f & ~wmask) | (val & wmask);
        return 0;
    }
    if (csr <= CSR_FCSR && csr >= CSR_FFLAGS && !(h->mstatus & MSTATUS_FS))
        return -1;
    uint64_t old_status = h->mstatus;
    switch (csr) {
    case CSR_FFLAGS: h->fflags = val & 31; break;
    case CSR_FRM: h->frm = val & 7; break;
    case CSR_FCSR: h->fflags = val & 31; h->frm = (val >> 5) & 7; break;
    case CSR_MCYCLE: h->cycle_off = val - retired(h, op) - 1; return 0;
    case CSR_MINSTRET: h->instret_off = val - retired(h, op) - 1; return 0;
    case CSR_SSTATUS:
        h->mstatus = (h->mstatus & ~(SSTATUS_MASK & MSTATUS_WMASK)) | (val & SSTATUS_MASK & MSTATUS_WMASK);
        break;
    case CSR_MSTATUS: {
        uint64_t v = val;
        if (((v & MSTATUS_MPP) >> 11) == 2)
            v = (v & ~MSTATUS_MPP) | (h->mstatus & MSTATUS_MPP); /* reserved MPP: keep */
        h->mstatus = (h->mstatus & ~MSTATUS_WMASK) | (v & MSTATUS_WMASK);
        break;
    }
    case CSR_SIE: h->mie = (h->mie & ~h->mideleg) | (val & h->mideleg & MIP_S_MASK); return 0;
    case CSR_MIE: h->mie = val & (MIP_S_MASK | MIP_MSIP | MIP_MTIP | MIP_MEIP); return 0;
    case CSR_SIP: h->mip = (h->mip & ~(h->mideleg & MIP_SSIP)) | (val & h->mideleg & MIP_SSIP); return 0;
    case CSR_MIP: {
        uint64_t w = MIP_SSIP | MIP_SEIP | ((h->menvcfg & MENVCFG_STCE) ? 0 : MIP_STIP);
        h->mip = (h->mip & ~w) | (val & w);
        return 0;
    }
    case CSR_MIDELEG: h->mideleg = val & MIP_S_MASK; return 0;
    case CSR_SATP: {
        if (h->priv == PRV_S && (h->mstatus & MSTATUS_TVM))
            return -1;
        int mode = (int)(val >> 60);
        if (mode != SATP_BARE && (mode < SATP_SV39 || mode > h->satp_max_mode))
            return 0; /* unsupported mode: the write has no effect (4.1.11) */
        h->satp = val & ~(0xffffull << 44); /* ASID is not implemented (ASIDLEN = 0) */
        tlb_flush(&h->cpu);
        return 0;
    }
    case CSR_STIMECMP:
        if (!h->sstc || (h->priv == PRV_S && !(h->menvcfg & MENVCFG_STCE)))
            return -1;
        h->stimecmp = val;
        rv_update_stimecmp(h);
        return 0;
    case CSR_MENVCFG:
        h->menvcfg = (h->menvcfg & ~MENVCFG_WMASK) | (val & (h->sstc ? MENVCFG_WMASK : MENVCFG_WMASK & ~MENVCFG_STCE));
        rv_update_stimecmp(h);
        return 0;
    case CSR_SENVCFG: h->senvcfg = val & SENVCFG_WMASK; return 0;
    default:
        if (csr >= CSR_TSELECT && csr <= CSR_TCONTROL)
            return rv_trigger_write(h, csr, val);
        if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
            if (csr & 1)
                return -1;
            unsigned first = (csr - CSR_PMPCFG0) * 4;
            if (first < RV_PMP_COUNT)
                pmp_write_cfg(h, first, val);
        } else if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR15) {
            unsigned i = csr - CSR_PMPADDR0;
            int locked = (h->pmpcfg[i] & 0x80) ||
                         (i + 1 < RV_PMP_COUNT && (h->pmpcfg[i + 1] & 0x98) == 0x88); /* next is locked TOR */
            if (!locked)
                h->pmpaddr[i] = val & ((1ull << 54) - 1);
        } else if ((csr >= CSR_MHPM3 && csr <= CSR_MHPM31) ||
                   (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31)) {
            return 0; /* hardwired to zero */
        } else {
            return -1;
        }
        rv_pmp_changed(h);
        tlb_flush(&h->cpu);
        return 0;
    }
    /* mstatus, sstatus or fcsr changed. */
    if (csr == CSR_SSTATUS || csr == CSR_MSTATUS) {
        if ((old_status ^ h->mstatus) & MSTATUS_MXR)
            tlb_flush(&h->cpu);
    } else {
        h->mstatus |= MSTATUS_FS; /* fcsr written: FP state dirty */
    }
    rv_update_mode(h);
    return 0;
}
