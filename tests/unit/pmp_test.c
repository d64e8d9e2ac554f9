/*
 * pmp_test.c - physical memory protection (Privileged Spec v1.12, 3.7.1) as
 * rv_pmp_check answers it, with the memo of the last whole-page answer
 * (src/arch/riscv/mmu.c) in between: OpenSBI's layout, a locked-out
 * firmware range (entry 0, no permissions) in front of all of memory
 * (entry 1, RWX). An answer remembered for one address must not leak to an
 * address a lower-numbered entry decides, and a PMP CSR write forgets it.
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#include <string.h>

#include "arch/riscv/hart.h"
#include "ir/cache.h"
#include "mem/phys.h"

#include "check.h"

#define RAM 0x80000000ull
#define FW_SIZE 0x40000ull /* entry 0: [RAM, RAM + FW_SIZE) */
#define CSR_PMPCFG0 0x3a0
#define CSR_PMPADDR0 0x3b0
#define CFG_NAPOT 0x18
#define CFG_R 1
#define CFG_W 2
#define CFG_X 4

static phys_map pm;
static ir_cache cache;
static rv_hart hart;

static int allowed(uint64_t pa, int access)
{
    int uniform;
    return rv_pmp_check(&hart, pa, access, PRV_S, &uniform);
}

static void set_pmp(unsigned cfg1)
{
    ir_op op = {0};
    rv_csr_write(&hart, CSR_PMPADDR0, (RAM >> 2) | (FW_SIZE / 8 - 1), &op); /* NAPOT */
    rv_csr_write(&hart, CSR_PMPADDR0 + 1, ~0ull >> 10, &op);                     /* all */
    rv_csr_write(&hart, CSR_PMPCFG0, CFG_NAPOT | (uint64_t)(CFG_NAPOT | cfg1) << 8, &op);
}

int main(void)
{
    if (phys_init(&pm, RAM, 1 << 20) != 0 || ir_cache_init(&cache, &pm, 1 << 20) != 0) {
        printf("init failed\n0 passed, 1 failed\n");
        return 1;
    }
    rv_hart_init(&hart, 0, &pm, &cache, RAM);
    set_pmp(CFG_R | CFG_W | CFG_X);
    EQ(allowed(RAM + 0x100000, ACC_READ), 1);    /* entry 1: remembered from here ... */
    EQ(allowed(RAM + 0x100, ACC_READ), 0);       /* ... but entry 0 decides here */
    EQ(allowed(RAM + FW_SIZE - 8, ACC_WRITE), 0);
    EQ(allowed(0x1000, ACC_WRITE), 1);           /* below entry 0: entry 1 again */
    EQ(allowed(RAM + 0x100, ACC_EXEC), 0);
    EQ(allowed(RAM + FW_SIZE, ACC_EXEC), 1);     /* the first page past entry 0 */
    EQ(allowed(RAM + 0x200000, ACC_WRITE), 1);
    set_pmp(CFG_R);                              /* a CSR write forgets the answer */
    EQ(allowed(RAM + 0x200000, ACC_WRITE), 0);
    EQ(allowed(RAM + 0x200000, ACC_READ), 1);
    int uniform;
    EQ(rv_pmp_check(&hart, RAM + 0x100, ACC_WRITE, PRV_M, &uniform), 1); /* not locked: M may */
    ir_cache_free(&cache);
    phys_free(&pm);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
