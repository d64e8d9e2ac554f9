/* The built-in SBI: what OpenSBI provides to an S-mode kernel, implemented
 * in C so that `-bios builtin` needs no firmware file. RISC-V Supervisor
 * Binary Interface Specification v2.0: chapters 3 (binary encoding), 4 (BASE),
 * 5 (legacy), 6 (TIME), 7 (IPI), 8 (RFENCE), 9 (HSM), 10 (SRST), 12 (DBCN). */
#include "boot/sbi.h"

#include <string.h>

#include "board/riscv_virt.h"
#include "mem/softmmu.h"

enum {
    EXT_BASE = 0x10, EXT_TIME = 0x54494d45, EXT_IPI = 0x735049, EXT_RFENCE = 0x52464e43,
    EXT_HSM = 0x48534d, EXT_SRST = 0x53525354, EXT_DBCN = 0x4442434e,
};
enum {
    SBI_SUCCESS = 0, SBI_ERR_FAILED = -1, SBI_ERR_NOT_SUPPORTED = -2,
    SBI_ERR_INVALID_PARAM = -3, SBI_ERR_INVALID_ADDRESS = -5, SBI_ERR_ALREADY_AVAILABLE = -6,
};
enum { HSM_STARTED = 0, HSM_STOPPED = 1 };

#define SBI_SPEC_VERSION (2u << 24) /* v2.0 */
#define SBI_IMPL_ID 0x7776          /* "wv": not a registered implementation id */

static const long extensions[] = {EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_SRST, EXT_DBCN,
                                  0, 1, 2, 3, 4, 5, 6, 7, 8};

/* Harts selected by (hart_mask, hart_mask_base): bit i = hart base + i;
 * base == -1 selects all harts. Returns a bitmap of hart ids, or -1 if a
 * selected hart does not exist. */
static long long select_harts(wvm_machine *m, uint64_t mask, uint64_t base)
{
    long long sel = 0;
    if (base == ~0ull)
        return (1ll << m->ncpus) - 1;
    for (int i = 0; i < 64; i++)
        if ((mask >> i) & 1) {
            uint64_t id = base + (uint64_t)i;
            if (id >= (uint64_t)m->ncpus)
                return -1;
            sel |= 1ll << id;
        }
    return sel;
}

static void set_timer(rv_hart *h, uint64_t when)
{
    h->stimecmp = when;
    rv_update_stimecmp(h);
}

static void start_hart(rv_hart *t, uint64_t pc, uint64_t opaque)
{
    t->stopped = 0;
    t->wfi = 0;
    t->priv = PRV_S;
    t->satp = 0;
    t->mstatus &= ~(MSTATUS_SIE | MSTATUS_MPRV);
    tlb_flush(&t->cpu);
    rv_update_mode(t);
    t->cpu.pc = pc;
    t->cpu.r[10] = t->mhartid;
    t->cpu.r[11] = opaque;
}

/* The hart mask of a legacy IPI or remote-fence call: an unsigned long at
 * guest-virtual `va` of the calling S-mode hart (SBI v2.0, 5.1), read
 * without side effects. Returns 0, or -1 if it cannot be read. */
static int legacy_hart_mask(rv_hart *h, uint64_t va, uint64_t *mask)
{
    uint64_t pa;
    const uint8_t *p;
    if ((va & 7) || mmu_probe(&h->cpu, va, ACC_READ, h->cpu.data_idx, &pa) != 0 ||
        !(p = phys_ram_ptr(h->cpu.pm, pa, 8)))
        return -1;
    memcpy(mask, p, 8);
    return 0;
}

/* Console write of `len` bytes at guest-physical `pa`. */
static long console_write(wvm_machine *m, uint64_t pa, uint64_t len)
{
    const uint8_t *p = phys_ram_ptr(&m->pm, pa, len);
    if (!p)
        return SBI_ERR_INVALID_PARAM;
    machine_console_out(m, p, (size_t)len);
    return SBI_SUCCESS;
}

int sbi_call(rv_hart *h, void *opaque)
{
    wvm_machine *m = opaque;
    uint64_t *x = h->cpu.r;
    uint64_t eid = x[17], fid = x[16], a0 = x[10], a1 = x[11], a2 = x[12];
    long err = SBI_SUCCESS;
    uint64_t val = 0;
    long long sel;
    switch (eid) {
    case 0: /* legacy set_timer */
    case EXT_TIME:
        set_timer(h, a0);
        break;
    case 1: { /* legacy console_putchar */
        uint8_t c = (uint8_t)a0;
        machine_console_out(m, &c, 1);
        break;
    }
    case 2: { /* legacy console_getchar: the byte, or -1 */
        uint8_t c;
        x[10] = machine_console_in(m, &c, 1) ? c : ~0ull;
        return 1;
    }
    case 3: /* legacy clear_ipi */
        h->mip &= ~MIP_SSIP;
        break;
    case 4: case 5: case 6: case 7: { /* legacy send_ipi, remote fences */
        uint64_t mask = ~0ull; /* a0 = 0: all harts */
        if (a0 && legacy_hart_mask(h, a0, &mask) != 0) {
            x[10] = (uint64_t)SBI_ERR_INVALID_ADDRESS;
            return 1;
        }
        for (int i = 0; i < m->ncpus; i++)
            if ((mask >> i) & 1) {
                if (eid == 4)
                    riscv_virt_of(m)->harts[i]->mip |= MIP_SSIP, riscv_virt_of(m)->harts[i]->cpu.exit_req = 1;
                else
                    tlb_flush(&riscv_virt_of(m)->harts[i]->cpu);
            }
        x[10] = 0;
        return 1;
    }
    case 8: /* legacy shutdown */
        machine_halt(m, 0);
        return 1;
    case EXT_BASE:
        switch (fid) {
        case 0: val = SBI_SPEC_VERSION; break;
        case 1: val = SBI_IMPL_ID; break;
        case 2: val = 1; break;
        case 3:
            for (unsigned i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
                if ((uint64_t)extensions[i] == a0)
                    val = 1;
            break;
        case 4: case 5: case 6: val = 0; break; /* mvendorid, marchid, mimpid */
        default: err = SBI_ERR_NOT_SUPPORTED;
        }
        break;
    case EXT_IPI:
    case EXT_RFENCE:
        if ((sel = select_harts(m, a0, a1)) < 0) {
            err = SBI_ERR_INVALID_PARAM;
            break;
        }
        for (int i = 0; i < m->ncpus; i++)
            if ((sel >> i) & 1) {
                if (eid == EXT_IPI)
                    riscv_virt_of(m)->harts[i]->mip |= MIP_SSIP, riscv_virt_of(m)->harts[i]->cpu.exit_req = 1;
                else if (fid != 0) /* fence.i needs nothing: code writes flush blocks */
                    tlb_flush(&riscv_virt_of(m)->harts[i]->cpu);
            }
        break;
    case EXT_HSM: {
        rv_hart *t = a0 < (uint64_t)m->ncpus ? riscv_virt_of(m)->harts[a0] : NULL;
        if (fid == 1) { /* hart_stop */
            h->stopped = 1;
            h->cpu.exit_req = 1;
            return 1;
        }
        if (fid == 3) { /* hart_suspend: default retentive suspend behaves as wfi */
            if (a0 == 0) {
                h->wfi = !rv_wfi_wakeup(h);
                h->cpu.exit_req = 1;
            } else {
                err = SBI_ERR_NOT_SUPPORTED;
            }
            break;
        }
        if (!t) {
            err = SBI_ERR_INVALID_PARAM;
        } else if (fid == 0) { /* hart_start */
            if (!t->stopped)
                err = SBI_ERR_ALREADY_AVAILABLE;
            else if (!phys_is_ram(&m->pm, a1))
                err = SBI_ERR_INVALID_ADDRESS;
            else
                start_hart(t, a1, a2);
        } else if (fid == 2) { /* hart_get_status */
            val = t->stopped ? HSM_STOPPED : HSM_STARTED;
        } else {
            err = SBI_ERR_NOT_SUPPORTED;
        }
        break;
    }
    case EXT_SRST:
        if (fid != 0 || a0 > 2) {
            err = SBI_ERR_INVALID_PARAM;
            break;
        }
        machine_halt(m, a1 == 1 ? 1 : 0); /* reason 1 = system failure */
        m->reset_requested = a0 != 0;
        return 1;
    case EXT_DBCN:
        if (fid == 0) { /* write: a0 bytes at a1 (low) / a2 (high) */
            err = console_write(m, a1 | a2 << 32, a0);
            val = err ? 0 : a0;
        } else if (fid == 1) { /* read into a buffer */
            uint8_t *p = phys_dma_write_ptr(&m->pm, a1 | a2 << 32, a0);
            if (!p)
                err = SBI_ERR_INVALID_PARAM;
            else
                val = machine_console_in(m, p, (size_t)a0);
        } else if (fid == 2) { /* write_byte */
            uint8_t c = (uint8_t)a0;
            machine_console_out(m, &c, 1);
        } else {
            err = SBI_ERR_NOT_SUPPORTED;
        }
        break;
    default:
        err = SBI_ERR_NOT_SUPPORTED;
    }
    x[10] = (uint64_t)err;
    x[11] = val;
    return 1;
}

void sbi_attach(wvm_machine *m)
{
    for (int i = 0; i < m->ncpus; i++) {
        riscv_virt_of(m)->harts[i]->sbi_call = sbi_call;
        riscv_virt_of(m)->harts[i]->sbi_opaque = m;
    }
}

void sbi_setup(wvm_machine *m, uint64_t entry, uint64_t fdt)
{
    sbi_attach(m);
    for (int i = 0; i < m->ncpus; i++) {
        rv_hart *h = riscv_virt_of(m)->harts[i];
        /* What OpenSBI leaves for the kernel: exceptions and S interrupts
         * delegated, counters visible, Sstc timer usable. */
        h->medeleg = 0xb1ff; /* causes 0-8, 12, 13, 15 */
        h->mideleg = MIP_SSIP | MIP_STIP | MIP_SEIP;
        h->mie = 0;
        h->mcounteren = h->scounteren = 7;
        h->menvcfg |= 1ull << 63; /* STCE: STIP follows stimecmp */
        h->stimecmp = ~0ull;
        h->mstatus = (h->mstatus & ~MSTATUS_MPP) | ((uint64_t)PRV_S << 11);
        h->cpu.r[12] = 0;
        if (i == 0)
            start_hart(h, entry, fdt);
        else
            h->stopped = 1;
    }
}
