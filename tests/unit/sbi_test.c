/*
 * sbi_test.c - the built-in SBI (src/boot/sbi.c) called as an S-mode kernel
 * would: the legacy IPI and remote-fence calls take a guest-virtual pointer
 * to the hart mask (SBI v2.0, 5.1), read through the caller's page tables
 * without side effects (the accessed bit stays clear).
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#include <string.h>

#include "boot/sbi.h"
#include "board/riscv_virt.h"

#include "check.h"

#define RAM 0x80000000ull
#define ROOT (RAM + 0x100000)  /* Sv39 root table */
#define MASK_PA (RAM + 0x200000)
#define VA_BASE 0x40000000ull  /* 1 GiB superpage -> RAM */
#define MASK_VA (VA_BASE + 0x200000)

static uint64_t *word(wvm_machine *m, uint64_t pa) { return (uint64_t *)phys_ram_ptr(&m->pm, pa, 8); }

/* Make an SBI call on hart 0 with a7 = eid, a0 = arg; returns a0. */
static int64_t call(wvm_machine *m, uint64_t eid, uint64_t arg)
{
    rv_hart *h = riscv_virt_of(m)->harts[0];
    h->cpu.r[17] = eid;
    h->cpu.r[16] = 0;
    h->cpu.r[10] = arg;
    sbi_call(h, m);
    return (int64_t)h->cpu.r[10];
}

int main(void)
{
    wvm_machine *m = wvm_create(WVM_ARCH_RISCV64, 16, 3, WVM_BIOS_BUILTIN);
    if (!m) {
        printf("wvm_create: %s\n0 passed, 1 failed\n", wvm_last_error());
        return 1;
    }
    rv_hart *h = riscv_virt_of(m)->harts[0];
    /* Sv39: VA 0x4000_0000 -> PA 0x8000_0000, a 1 GiB leaf with A clear */
    uint64_t leaf = (RAM >> 12) << 10 | 0xf /* V R W X */ | 1ull << 4 /* U */;
    *word(m, ROOT + 8 * (VA_BASE >> 30)) = leaf;
    *word(m, MASK_PA) = 1u << 2; /* hart 2 only */
    h->priv = PRV_S;
    h->satp = (uint64_t)SATP_SV39 << 60 | ROOT >> 12;
    h->mstatus |= MSTATUS_SUM;
    rv_update_mode(h);

    EQ(call(m, 4, MASK_VA), 0); /* legacy send_ipi */
    EQ(riscv_virt_of(m)->harts[0]->mip & MIP_SSIP, 0);
    EQ(riscv_virt_of(m)->harts[1]->mip & MIP_SSIP, 0);
    EQ(riscv_virt_of(m)->harts[2]->mip & MIP_SSIP, MIP_SSIP);
    EQ(*word(m, ROOT + 8 * (VA_BASE >> 30)), leaf); /* no A bit written */
    riscv_virt_of(m)->harts[2]->mip = 0;
    EQ(call(m, 4, 0), 0); /* no mask: every hart */
    EQ(riscv_virt_of(m)->harts[0]->mip & riscv_virt_of(m)->harts[1]->mip & riscv_virt_of(m)->harts[2]->mip & MIP_SSIP, MIP_SSIP);
    /* unmapped or misaligned mask pointers: an error, nobody interrupted */
    for (int i = 0; i < 3; i++)
        riscv_virt_of(m)->harts[i]->mip = 0;
    EQ(call(m, 4, 0x1000), -5); /* SBI_ERR_INVALID_ADDRESS */
    EQ(call(m, 5, MASK_VA + 4), -5);   /* legacy remote_fence_i */
    EQ(call(m, 6, (uint64_t)1 << 40), -5); /* legacy remote_sfence_vma: not canonical */
    EQ(riscv_virt_of(m)->harts[0]->mip | riscv_virt_of(m)->harts[1]->mip | riscv_virt_of(m)->harts[2]->mip, 0);
    EQ(call(m, 7, MASK_VA), 0); /* legacy remote_sfence_vma_asid */

    wvm_destroy(m);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
